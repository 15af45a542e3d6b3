"""DifferentHostFilter: the ``different_host`` hint: a host running none
of the named instances."""
from nova.scheduler import filters


class DifferentHostFilter(filters.BaseHostFilter):
    def applies(self, request):
        return bool(request.different_host)

    def host_passes(self, host, request):
        return host.host not in request.different_host_hosts

    def reason(self, request):
        return ('different_host: every host that can take it runs one of '
                'the given instances')
