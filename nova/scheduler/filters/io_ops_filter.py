"""IoOpsFilter: hosts with fewer than ``[filter_scheduler]
max_io_ops_per_host`` builds (and other I/O-heavy tasks) under way."""
from nova.scheduler import filters


class IoOpsFilter(filters.BaseHostFilter):
    def host_passes(self, host, request):
        return host.num_io_ops < \
            self.conf.filter_scheduler.max_io_ops_per_host

    def reason(self, request):
        return 'every host is busy with its maximum number of builds'
