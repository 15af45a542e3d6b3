"""ComputeFilter: only hosts whose compute service is enabled and up.

Placement's request filter already drops providers with the
COMPUTE_STATUS_DISABLED trait; this also catches a service that stopped
reporting (down after ``service_down_time``) or was disabled since.
"""
from nova.scheduler import filters


class ComputeFilter(filters.BaseHostFilter):
    def host_passes(self, host, request):
        return host.service_up and not host.service_disabled

    def reason(self, request):
        return 'no compute service with room for it is enabled and up'
