"""NumInstancesFilter: hosts with fewer than
``[filter_scheduler] max_instances_per_host`` instances."""
from nova.scheduler import filters


class NumInstancesFilter(filters.BaseHostFilter):
    def host_passes(self, host, request):
        return host.num_instances < \
            self.conf.filter_scheduler.max_instances_per_host

    def reason(self, request):
        return 'every host already runs its maximum number of instances'
