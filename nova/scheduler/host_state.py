"""What the filters and weighers know of one host during a decision.

A HostState joins three sources: placement's provider summary (capacity
and usage per resource class, traits), the compute node record (hypervisor,
stats the resource tracker writes) and the host's service and aggregates.
It is built fresh per decision from the host manager's caches, and updated
in memory as the decision places instances on it (a multi-create).
"""
import dataclasses

VCPU = 'VCPU'
MEMORY_MB = 'MEMORY_MB'
DISK_GB = 'DISK_GB'


@dataclasses.dataclass
class NodeInfo:
    """The cached part of a compute node record and its service."""
    uuid: str
    host: str
    nodename: str
    cell_uuid: str
    hypervisor_type: str = None
    hypervisor_version: int = None
    cpu_info: str = None
    supported_instances: list = dataclasses.field(default_factory=list)
    stats: dict = dataclasses.field(default_factory=dict)
    record_updated_at: object = None


@dataclasses.dataclass
class AggregateInfo:
    uuid: str
    name: str
    hosts: frozenset
    metadata: dict

    @property
    def availability_zone(self):
        return self.metadata.get('availability_zone')


class HostState:
    """One candidate host; resource figures are placement's (capacity is
    (total - reserved) * ratio), plus what this decision placed here."""

    __slots__ = ('node', 'uuid', 'host', 'nodename', 'cell_uuid',
                 'aggregates', 'service_disabled', 'service_up',
                 'allocation_request', '_summary', '_resources', '_consumed',
                 'num_instances', 'num_io_ops', 'failed_builds')

    def __init__(self, node, summary, allocation_request, aggregates=(),
                 service_disabled=False, service_up=True, pending=(0, 0)):
        self.node = node
        self.uuid = node.uuid
        self.host = node.host
        self.nodename = node.nodename
        self.cell_uuid = node.cell_uuid
        self.aggregates = aggregates
        self.service_disabled = service_disabled
        self.service_up = service_up
        self.allocation_request = allocation_request
        self._summary = summary
        self._resources = summary.get('resources') or {}
        self._consumed = {}
        stats = node.stats
        self.num_instances = _int(stats.get('num_instances')) + pending[0]
        self.num_io_ops = _int(stats.get('io_workload')) + pending[1]
        self.failed_builds = _int(stats.get('failed_builds'))

    # The compute node record's figures, read by a few filters.
    hypervisor_type = property(lambda self: self.node.hypervisor_type)
    hypervisor_version = property(
        lambda self: self.node.hypervisor_version)
    cpu_info = property(lambda self: self.node.cpu_info)
    supported_instances = property(
        lambda self: self.node.supported_instances)
    stats = property(lambda self: self.node.stats)

    @property
    def traits(self):
        return frozenset(self._summary.get('traits') or ())

    def capacity(self, rc):
        resource = self._resources.get(rc)
        return resource['capacity'] if resource else 0

    def used(self, rc):
        resource = self._resources.get(rc)
        return (resource['used'] if resource else 0) + \
            self._consumed.get(rc, 0)

    def free(self, rc):
        resource = self._resources.get(rc)
        if resource is None:
            return 0
        return resource['capacity'] - resource['used'] - \
            self._consumed.get(rc, 0)

    @property
    def free_ram_mb(self):
        return self.free(MEMORY_MB)

    @property
    def free_disk_gb(self):
        return self.free(DISK_GB)

    @property
    def free_vcpus(self):
        return self.free(VCPU)

    @property
    def total_usable_ram_mb(self):
        return self.capacity(MEMORY_MB)

    @property
    def vcpus_total(self):
        return self.capacity(VCPU)

    @property
    def vcpus_used(self):
        return self.used(VCPU)

    def fits(self, resources):
        return all(self.free(rc) >= amount
                   for rc, amount in resources.items())

    def consume(self, resources):
        """Account an instance this decision placed here."""
        for rc, amount in resources.items():
            self._consumed[rc] = self._consumed.get(rc, 0) + amount
        self.num_instances += 1
        self.num_io_ops += 1

    # -- aggregates --------------------------------------------------------

    def aggregate_metadata(self, key):
        """Values of key over the host's aggregates (a set)."""
        return {a.metadata[key] for a in self.aggregates
                if key in a.metadata}

    def availability_zones(self, default_zone):
        zones = self.aggregate_metadata('availability_zone')
        return zones or {default_zone}

    def __repr__(self):
        return '<HostState %s (%s)>' % (self.host, self.nodename)


def _int(value):
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0
