"""IoOpsWeigher: builds and other I/O-heavy tasks under way (the negative
default multiplier prefers quiet hosts)."""
from nova.scheduler import weights


class IoOpsWeigher(weights.BaseWeigher):
    option = 'io_ops_weight_multiplier'

    def weigh(self, host, request):
        return host.num_io_ops
