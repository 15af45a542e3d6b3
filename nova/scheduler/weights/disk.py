"""DiskWeigher: free disk."""
from nova.scheduler import weights


class DiskWeigher(weights.BaseWeigher):
    option = 'disk_weight_multiplier'

    def weigh(self, host, request):
        return host.free_disk_gb
