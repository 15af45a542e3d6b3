"""Host filters: each removes the hosts that cannot take the request.

A filter module defines one class named like the module's entry in
FILTERS; ``[filter_scheduler] enabled_filters`` picks and orders them.
Each filter says, in words a tenant may read, why no host was left when it
removed the last ones (``reason``); the admin view lists the hosts.
"""
from nova.scheduler import plugins

FILTERS = {
    'AllHostsFilter': 'all_hosts_filter',
    'AggregateInstanceExtraSpecsFilter': 'aggregate_instance_extra_specs',
    'AggregateMultiTenancyIsolation': 'aggregate_multitenancy_isolation',
    'AvailabilityZoneFilter': 'availability_zone_filter',
    'ComputeCapabilitiesFilter': 'compute_capabilities_filter',
    'ComputeFilter': 'compute_filter',
    'DifferentHostFilter': 'different_host_filter',
    'ImagePropertiesFilter': 'image_properties_filter',
    'IoOpsFilter': 'io_ops_filter',
    'JsonFilter': 'json_filter',
    'NumInstancesFilter': 'num_instances_filter',
    'SameHostFilter': 'same_host_filter',
    'ServerGroupAffinityFilter': 'affinity_filter',
    'ServerGroupAntiAffinityFilter': 'anti_affinity_filter',
}


class BaseHostFilter:
    """host_passes() decides one host; the rest is shared."""

    def __init__(self, conf):
        self.conf = conf

    @property
    def name(self):
        return type(self).__name__

    def applies(self, request):
        """False when the request asks nothing of this filter (skipped)."""
        return True

    def host_passes(self, host, request):
        raise NotImplementedError

    def filter_all(self, hosts, request):
        return [h for h in hosts if self.host_passes(h, request)]

    def reason(self, request):
        """Why no host passed, for the tenant (no host names)."""
        return 'no host passed the %s' % self.name


class UnknownFilter(ValueError):
    pass


def load_filters(conf, names):
    """Instances of the named filters, in order."""
    return plugins.load(conf, names, FILTERS, 'nova.scheduler.filters',
                        UnknownFilter, 'filter')
