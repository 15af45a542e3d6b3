"""ServerGroupAffinityFilter: an affinity group's members share a host.

Once a member runs somewhere, only that host qualifies.
"""
from nova.scheduler import filters
from nova.scheduler import request as sched_request


class ServerGroupAffinityFilter(filters.BaseHostFilter):
    def applies(self, request):
        return request.group_policy == sched_request.AFFINITY and \
            bool(request.group_hosts)

    def host_passes(self, host, request):
        return host.host in request.group_hosts

    def reason(self, request):
        return ('affinity: the host of the group\'s other members cannot '
                'take it')
