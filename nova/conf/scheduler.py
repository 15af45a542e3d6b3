"""[scheduler] and [filter_scheduler] options."""
from oslo_config import cfg

from nova.conf._group import fresh as _fresh

scheduler_group = cfg.OptGroup('scheduler', title='Scheduler options')

scheduler_opts = [
    cfg.IntOpt('max_attempts', default=3, min=1,
               help="""
Hosts tried for one instance: the chosen host plus alternates. A build that
fails on its host is rescheduled to the next alternate until this many hosts
were tried; then the instance goes to ERROR with a fault.
"""),
    cfg.IntOpt('discover_hosts_in_cells_interval', default=-1, min=-1,
               help="""
Seconds between automatic discovery of new compute hosts; -1 disables.
The embedded default (nova-all) turns it on.
"""),
    cfg.IntOpt('max_placement_results', default=1000, min=1,
               help="""
At most this many allocation candidates are asked of placement per
scheduling decision; the host filters and weighers only see these.

Related options:

* ``[filter_scheduler] host_subset_size``
"""),
    cfg.BoolOpt('query_placement_for_availability_zone', default=True,
                help="""
Turn a requested availability zone into a placement ``member_of`` query on
the zone's aggregates, so placement returns only hosts of that zone
(the AvailabilityZoneFilter then has nothing left to remove).
"""),
    cfg.BoolOpt('query_placement_for_image_type_support', default=True,
                help="""
Ask placement only for hosts whose driver has the trait
``COMPUTE_IMAGE_TYPE_<disk format>`` of the requested image.
"""),
    cfg.BoolOpt('limit_tenants_to_placement_aggregate', default=False,
                help="""
Restrict a project to the aggregates whose metadata holds a key starting
with ``filter_tenant_id`` naming it (placement ``member_of``).

Related options:

* ``placement_aggregate_required_for_tenants``
"""),
    cfg.BoolOpt('placement_aggregate_required_for_tenants', default=False,
                help="""
With ``limit_tenants_to_placement_aggregate``: a project no aggregate names
may not boot at all (False: it may use any host).
"""),
    cfg.FloatOpt('host_info_refresh_seconds', default=1.0, min=0.0,
                 help="""
The scheduler caches compute nodes, services and aggregates and re-reads
only what changed since, at most this often. 0 re-reads before every
decision.
"""),
]

filter_group = cfg.OptGroup('filter_scheduler', title='Filter scheduler')

_DEFAULT_FILTERS = [
    'ComputeFilter', 'AvailabilityZoneFilter', 'ComputeCapabilitiesFilter',
    'ImagePropertiesFilter', 'ServerGroupAntiAffinityFilter',
    'ServerGroupAffinityFilter', 'SameHostFilter', 'DifferentHostFilter',
]

_ALL_WEIGHERS = [
    'RAMWeigher', 'CPUWeigher', 'DiskWeigher', 'IoOpsWeigher',
    'NumInstancesWeigher', 'ServerGroupSoftAffinityWeigher',
    'ServerGroupSoftAntiAffinityWeigher', 'BuildFailureWeigher',
]

filter_opts = [
    cfg.IntOpt('host_subset_size', default=1, min=1,
               help="""
Pick randomly among this many best-weighed hosts (1: always the best).
Larger values spread concurrent schedulers' choices.
"""),
    cfg.ListOpt('enabled_filters', default=_DEFAULT_FILTERS,
                help="""
Host filters run, in this order, on the allocation candidates placement
returned. Possible values: names of the modules of nova/scheduler/filters:
AllHostsFilter, AggregateInstanceExtraSpecsFilter,
AggregateMultiTenancyIsolation, AvailabilityZoneFilter,
ComputeCapabilitiesFilter, ComputeFilter, DifferentHostFilter,
ImagePropertiesFilter, IoOpsFilter, JsonFilter, NumInstancesFilter,
SameHostFilter, ServerGroupAffinityFilter, ServerGroupAntiAffinityFilter.
"""),
    cfg.ListOpt('weight_classes', default=_ALL_WEIGHERS,
                help="Weighers applied to the hosts left after filtering."),
    cfg.FloatOpt('ram_weight_multiplier', default=1.0,
                 help="Positive: prefer hosts with more free RAM "
                      "(spread); negative: fill hosts first (stack)."),
    cfg.FloatOpt('cpu_weight_multiplier', default=1.0,
                 help="Positive: prefer hosts with more free vCPUs."),
    cfg.FloatOpt('disk_weight_multiplier', default=1.0,
                 help="Positive: prefer hosts with more free disk."),
    cfg.FloatOpt('io_ops_weight_multiplier', default=-1.0,
                 help="Negative: prefer hosts with fewer builds and other "
                      "I/O-heavy operations under way."),
    cfg.FloatOpt('num_instances_weight_multiplier', default=0.0,
                 help="Positive: prefer hosts with more instances; "
                      "negative: fewer."),
    cfg.FloatOpt('soft_affinity_weight_multiplier', default=1.0, min=0.0,
                 help="Weight of a soft-affinity group's members on a "
                      "host."),
    cfg.FloatOpt('soft_anti_affinity_weight_multiplier', default=1.0,
                 min=0.0,
                 help="Weight against a host with a soft-anti-affinity "
                      "group's members."),
    cfg.FloatOpt('build_failure_weight_multiplier', default=1000000.0,
                 help="""
Weight against hosts whose recent builds failed (the count resets on a
successful build); the large default all but excludes them.
"""),
    cfg.IntOpt('max_instances_per_host', default=50, min=1,
               help="NumInstancesFilter: instances a host may run."),
    cfg.IntOpt('max_io_ops_per_host', default=8, min=1,
               help="IoOpsFilter: concurrent builds (and other I/O-heavy "
                    "tasks) a host may have."),
]


def register_opts(conf):
    conf.register_group(_fresh(scheduler_group))
    conf.register_opts(scheduler_opts, group=scheduler_group.name)
    conf.register_group(_fresh(filter_group))
    conf.register_opts(filter_opts, group=filter_group.name)


def list_opts():
    return {scheduler_group.name: scheduler_opts,
            filter_group.name: filter_opts}
