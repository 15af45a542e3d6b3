"""AggregateInstanceExtraSpecsFilter: flavor extra specs
``aggregate_instance_extra_specs:<key>`` (or unscoped keys) must match the
metadata of one of the host's aggregates."""
from nova.scheduler.filters import extra_specs_ops
from nova.scheduler import filters

_SCOPE = 'aggregate_instance_extra_specs'


def requirements(extra_specs):
    found = {}
    for key, value in extra_specs.items():
        parts = key.split(':', 1)
        if len(parts) == 2 and parts[0] == _SCOPE:
            found[parts[1]] = value
    return found


class AggregateInstanceExtraSpecsFilter(filters.BaseHostFilter):
    def applies(self, request):
        return bool(requirements(request.extra_specs))

    def host_passes(self, host, request):
        for key, requirement in requirements(request.extra_specs).items():
            values = host.aggregate_metadata(key)
            if not any(extra_specs_ops.match(v.strip(), requirement)
                       for value in values for v in value.split(',')):
                return False
        return True

    def reason(self, request):
        return ("no host is in an aggregate whose metadata matches the "
                "flavor's extra specs")
