"""ServerGroupAntiAffinityFilter: an anti-affinity group's members on
different hosts (at most ``rules.max_server_per_host`` per host, 1 by
default)."""
from nova.scheduler import filters
from nova.scheduler import request as sched_request


class ServerGroupAntiAffinityFilter(filters.BaseHostFilter):
    def applies(self, request):
        return request.group_policy == sched_request.ANTI_AFFINITY

    def host_passes(self, host, request):
        return request.members_on(host) < request.max_server_per_host

    def reason(self, request):
        if request.max_server_per_host > 1:
            return ('anti-affinity: every host already has %d members of '
                    'the group' % request.max_server_per_host)
        return 'anti-affinity: every host already has a member of the group'
