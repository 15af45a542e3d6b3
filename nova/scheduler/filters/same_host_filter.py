"""SameHostFilter: the ``same_host`` hint: a host running one of the
named instances."""
from nova.scheduler import filters


class SameHostFilter(filters.BaseHostFilter):
    def applies(self, request):
        return bool(request.same_host)

    def host_passes(self, host, request):
        return host.host in request.same_host_hosts

    def reason(self, request):
        return ('same_host: no host running the given instances can '
                'take it')
