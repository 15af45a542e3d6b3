"""RAMWeigher: free RAM (spread by default; negative multiplier stacks)."""
from nova.scheduler import weights


class RAMWeigher(weights.BaseWeigher):
    option = 'ram_weight_multiplier'

    def weigh(self, host, request):
        return host.free_ram_mb
