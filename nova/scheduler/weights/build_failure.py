"""BuildFailureWeigher: hosts whose recent builds failed sink (the
resource tracker counts failures since the last successful build)."""
from nova.scheduler import weights


class BuildFailureWeigher(weights.BaseWeigher):
    option = 'build_failure_weight_multiplier'

    def weigh(self, host, request):
        return -host.failed_builds
