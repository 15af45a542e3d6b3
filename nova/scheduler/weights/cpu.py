"""CPUWeigher: free vCPUs."""
from nova.scheduler import weights


class CPUWeigher(weights.BaseWeigher):
    option = 'cpu_weight_multiplier'

    def weigh(self, host, request):
        return host.free_vcpus
