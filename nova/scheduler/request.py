"""One request as the filters and weighers see it.

Built once per RequestSpec: the resources to claim, the flavor's extra
specs, image properties, scheduler hints, the server group and where its
members and the hinted instances run (read in bulk, once). A multi-create
updates it as instances are placed, so the next instance of the batch sees
them (anti-affinity spreads a batch, affinity packs it).
"""
import collections

from oslo_serialization import jsonutils

from nova import exception
from nova import objects
from nova.objects.instance_group import hosts_of_instances
from nova.scheduler import explain
from nova.scheduler import host_state


AFFINITY = 'affinity'
ANTI_AFFINITY = 'anti-affinity'
SOFT_AFFINITY = 'soft-affinity'
SOFT_ANTI_AFFINITY = 'soft-anti-affinity'


def resources_of(flavor, is_bfv=False):
    """The placement resources one instance of flavor consumes (a server
    booted from a volume has no local root disk)."""
    root_gb = 0 if is_bfv else (flavor.root_gb or 0)
    resources = {host_state.VCPU: flavor.vcpus,
                 host_state.MEMORY_MB: flavor.memory_mb,
                 host_state.DISK_GB: root_gb + (flavor.ephemeral_gb or 0)}
    # Nova's extra spec "resources:<RC>=<n>" overrides or adds a class.
    for key, value in (flavor.extra_specs or {}).items():
        if key.startswith('resources:'):
            try:
                resources[key[len('resources:'):]] = int(value)
            except ValueError:
                continue
    return {rc: n for rc, n in resources.items() if n}


def _field(obj, name, default=None):
    if obj is None:
        return default
    if hasattr(obj, 'obj_attr_is_set'):
        if name not in getattr(obj, 'fields', {}) or \
                not obj.obj_attr_is_set(name):
            return default
    return getattr(obj, name, default)


class SchedulingRequest:
    def __init__(self, context, spec, default_zone='nova'):
        self.spec = spec
        self.flavor = spec.flavor
        self.project_id = spec.project_id
        self.resources = resources_of(spec.flavor,
                                      bool(_field(spec, 'is_bfv')))
        self.extra_specs = dict(spec.flavor.extra_specs or {})
        self.image_props = dict(_field(spec, 'image_properties') or {})
        self.hints = dict(_field(spec, 'scheduler_hints') or {})
        self.availability_zone = _field(spec, 'availability_zone')
        self.default_zone = default_zone
        self.group = _field(spec, 'instance_group')
        self.group_policy = _group_policy(self.group)
        self.max_server_per_host = _max_per_host(self.group)
        self.force_hosts = _field(spec, 'force_hosts') or []
        self.force_nodes = _field(spec, 'force_nodes') or []
        self.ignore_hosts = _field(spec, 'ignore_hosts') or []
        self.same_host = _hint_list(self.hints, 'same_host')
        self.different_host = _hint_list(self.hints, 'different_host')
        self.query = _hint_value(self.hints, 'query')
        # host -> count of group members there; hosts of hinted instances
        self.group_hosts = collections.Counter()
        self.same_host_hosts = set()
        self.different_host_hosts = set()
        self._load_hosts(context)

    def _fresh_group(self, context):
        """The group as it is now: members join until the last moment."""
        uuid = _field(self.group, 'uuid')
        group_cls = getattr(objects, 'InstanceGroup', None)
        if not uuid or group_cls is None:
            return self.group
        try:
            return group_cls.get_by_uuid(context, uuid)
        except exception.InstanceGroupNotFound:  # deleted: keep the copy
            return self.group

    def _load_hosts(self, context):
        if self.group is not None:
            self.group = self._fresh_group(context)
        members = list(_field(self.group, 'members') or [])
        wanted = set(members) | set(self.same_host) | \
            set(self.different_host)
        hosts = hosts_of_instances(context, wanted) if wanted else {}
        for uuid in members:
            if uuid in hosts:
                self.group_hosts[hosts[uuid]] += 1
        if not self.group_hosts:
            for host in _field(self.group, 'hosts') or ():
                self.group_hosts[host] += 1
        self.same_host_hosts = {hosts[u] for u in self.same_host
                                if u in hosts}
        self.different_host_hosts = {hosts[u] for u in self.different_host
                                     if u in hosts}

    def placed(self, state):
        """An instance of this request went to state's host."""
        state.consume(self.resources)
        if self.group_policy:
            self.group_hosts[state.host] += 1

    def members_on(self, state):
        return self.group_hosts.get(state.host, 0)

    def describe(self):
        """A short, tenant-safe description of what was asked."""
        parts = []
        mem = self.resources.get(host_state.MEMORY_MB)
        if mem:
            parts.append(explain.ram_text(mem) + ' of RAM')
        if self.resources.get(host_state.VCPU):
            parts.append('%d vCPU' % self.resources[host_state.VCPU])
        if self.resources.get(host_state.DISK_GB):
            parts.append('%d GiB of disk' % self.resources[host_state.DISK_GB])
        return ', '.join(parts)


def _group_policy(group):
    policy = _field(group, 'policy')
    if policy:
        return policy
    policies = _field(group, 'policies') or []
    return policies[0] if policies else None


def _max_per_host(group):
    rules = _field(group, 'rules') or {}
    try:
        return max(1, int(rules.get('max_server_per_host', 1)))
    except (TypeError, ValueError):
        return 1


def _hint_list(hints, name):
    value = hints.get(name) or []
    if isinstance(value, str):
        value = [value]
    return [v for v in value if v]


def _hint_value(hints, name):
    value = hints.get(name)
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, str):
        try:
            return jsonutils.loads(value)
        except ValueError:
            return None
    return value
