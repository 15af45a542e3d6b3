"""ComputeCapabilitiesFilter: flavor extra specs ``capabilities:<name>``
(or unscoped names) against what the host reports.

A name may walk into JSON the host reports, with ``:``
(``capabilities:cpu_info:arch``). Known names: hypervisor_type,
hypervisor_version, cpu_info, free_ram_mb, free_disk_gb, vcpus_total,
num_instances, and any key of the tracker's stats.
"""
from oslo_serialization import jsonutils

from nova.scheduler.filters import extra_specs_ops
from nova.scheduler import filters

_SCOPE = 'capabilities'
_ATTRIBUTES = ('hypervisor_type', 'hypervisor_version', 'cpu_info',
               'free_ram_mb', 'free_disk_gb', 'vcpus_total', 'num_instances',
               'num_io_ops', 'total_usable_ram_mb')
_MISSING = object()


def requirements(extra_specs):
    """{path tuple: requirement} of the specs this filter owns."""
    found = {}
    for key, value in extra_specs.items():
        parts = key.split(':')
        if len(parts) > 1 and parts[0] == _SCOPE:
            found[tuple(parts[1:])] = value
        elif len(parts) == 1 and not _is_other_known(key):
            found[(key,)] = value
    return found


def _is_other_known(key):
    # Unscoped keys the flavor API accepts for other purposes (quotas,
    # hw_rng...) are not capabilities.
    return key.startswith(('quota', 'hw', 'os', 'trait', 'resources'))


def _lookup(host, path):
    name = path[0]
    if name in _ATTRIBUTES:
        value = getattr(host, name, _MISSING)
    else:
        value = host.stats.get(name, _MISSING)
    for part in path[1:]:
        if isinstance(value, str):
            try:
                value = jsonutils.loads(value)
            except ValueError:
                return _MISSING
        if not isinstance(value, dict) or part not in value:
            return _MISSING
        value = value[part]
    return value


class ComputeCapabilitiesFilter(filters.BaseHostFilter):
    def applies(self, request):
        return bool(requirements(request.extra_specs))

    def host_passes(self, host, request):
        for path, requirement in requirements(request.extra_specs).items():
            value = _lookup(host, path)
            if value is _MISSING or value is None or \
                    not extra_specs_ops.match(value, requirement):
                return False
        return True

    def reason(self, request):
        return "no host has the capabilities the flavor's extra specs ask for"
