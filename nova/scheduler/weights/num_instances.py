"""NumInstancesWeigher: instances on the host (off by default)."""
from nova.scheduler import weights


class NumInstancesWeigher(weights.BaseWeigher):
    option = 'num_instances_weight_multiplier'

    def weigh(self, host, request):
        return host.num_instances
