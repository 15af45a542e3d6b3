"""AggregateMultiTenancyIsolation: a host in aggregates with
``filter_tenant_id`` metadata (or keys starting with it, for more than one
list) takes only those projects' instances; other hosts take anyone's."""
from nova.scheduler import filters

KEY = 'filter_tenant_id'


def tenants_of(aggregate):
    """Projects an aggregate is reserved for (empty: not reserved)."""
    found = set()
    for key, value in aggregate.metadata.items():
        if key.startswith(KEY):
            found.update(p.strip() for p in str(value).split(',')
                         if p.strip())
    return found


class AggregateMultiTenancyIsolation(filters.BaseHostFilter):
    def host_passes(self, host, request):
        allowed = set()
        for aggregate in host.aggregates:
            allowed |= tenants_of(aggregate)
        return not allowed or request.project_id in allowed

    def reason(self, request):
        return 'every host that can take it is reserved for other projects'
