"""Keeps this host's compute node record and placement provider true to
what runs on it.

Usage is counted from the instances on the host when the service starts and
periodically, and adjusted in memory on every claim and release. Writes are
coalesced: a burst of 100 builds costs a handful of record updates, not 100.

The node's placement provider (uuid = the node record's uuid, name = the
hypervisor hostname) gets inventories VCPU, MEMORY_MB and DISK_GB with the
configured allocation ratios and reserved amounts, and traits from the
driver's capabilities (plus COMPUTE_STATUS_DISABLED while the service is
disabled). The compute never opens a database: the view goes to the
conductor (update_provider), on start and whenever it changes.
The record's ``stats`` carry what the scheduler's filters and weighers read:
num_instances, io_workload (builds under way) and failed_builds (since the
last successful build).
"""
import threading
import time

import os_traits
from oslo_log import log as logging
from oslo_serialization import jsonutils

from nova.conductor import rpcapi as conductor_rpcapi
from nova import exception
from nova import objects
from nova.objects.indirection import in_remote_objects

LOG = logging.getLogger(__name__)

_FLUSH_DELAY = 0.2  # seconds a burst of frees is gathered before a cast
# At most one compute node write per this many seconds: each is a call to
# the conductor, and the scheduler's placement claims do not wait for it.
_NODE_SAVE_INTERVAL = 1.0
_IMAGE_TYPE = 'supports_image_type_'
_IMAGE_TRAIT = 'COMPUTE_IMAGE_TYPE_'
DISABLED_TRAIT = 'COMPUTE_STATUS_DISABLED'


def capability_traits(capabilities):
    """Trait names a driver's capabilities dict stands for."""
    traits = set()
    declared_image_types = False
    for name, supported in (capabilities or {}).items():
        if name.startswith(_IMAGE_TYPE):
            declared_image_types = True
            trait = _IMAGE_TRAIT + name[len(_IMAGE_TYPE):].upper()
            if supported and trait in _IMAGE_TRAITS:
                traits.add(trait)
    if not declared_image_types:
        traits |= _IMAGE_TRAITS
    return traits


_IMAGE_TRAITS = frozenset(os_traits.get_traits(_IMAGE_TRAIT))


def _ratio(conf, name):
    value = getattr(conf, name + '_allocation_ratio')
    if value is None:
        value = getattr(conf, 'initial_%s_allocation_ratio' % name)
    return float(value)


def inventories(conf, resources):
    """The provider's inventories of one node's HostResources."""
    def inv(total, reserved, ratio):
        return {'total': total, 'reserved': min(reserved, total),
                'min_unit': 1, 'max_unit': total, 'step_size': 1,
                'allocation_ratio': ratio}
    result = {
        'VCPU': inv(resources.vcpus, conf.reserved_host_cpus,
                    _ratio(conf, 'cpu')),
        'MEMORY_MB': inv(resources.memory_mb, conf.reserved_host_memory_mb,
                         _ratio(conf, 'ram')),
        'DISK_GB': inv(resources.local_gb,
                       -(-conf.reserved_host_disk_mb // 1024),
                       _ratio(conf, 'disk')),
    }
    return {rc: v for rc, v in result.items() if v['total'] > 0}


class ResourceTracker:
    def __init__(self, conf, host, driver):
        self.conf = conf
        self.host = host
        self.driver = driver
        self.nodes = {}
        self.usage = {}
        # uuid -> (node, need) of what each instance counts for: a release
        # then needs only the uuid, not the instance's flavor.
        self.claimed = {}
        self.building = set()
        self.failed_builds = 0
        self.disabled = False
        self._reported = {}   # nodename -> (inventories, traits) sent
        self._to_free = set()  # instance uuids whose allocations go
        self._context = None
        self.conductor = conductor_rpcapi.ComputeTaskAPI(conf)
        self._lock = threading.Lock()
        self._dirty = threading.Event()
        self._stopped = threading.Event()
        self._flusher = None

    # -- lifecycle -----------------------------------------------------

    def start(self, context):
        self._context = context
        self.update_available_resource(context)
        self._flusher = threading.Thread(target=self._flush_loop,
                                         args=(context,), daemon=True,
                                         name='rt-flusher')
        self._flusher.start()

    def stop(self):
        self._stopped.set()
        self._dirty.set()
        if self._flusher:
            self._flusher.join(timeout=5)
            self._send_frees(self._context)

    # -- claims --------------------------------------------------------

    @staticmethod
    def _need(instance):
        flavor = instance.flavor
        return (flavor.vcpus, flavor.memory_mb,
                (flavor.root_gb or 0) + (flavor.ephemeral_gb or 0))

    def claim(self, instance):
        """Count the instance (placement has its allocation already)."""
        with self._lock:
            self.building.add(instance.uuid)
            self._dirty.set()
            if instance.uuid in self.claimed:
                return
            claim = (instance.node or self.host, self._need(instance))
            self.claimed[instance.uuid] = claim
            self._adjust(claim, +1)

    def build_finished(self, instance, succeeded):
        """A build ended: stats for the IoOps and BuildFailure weighers."""
        with self._lock:
            self.building.discard(instance.uuid)
            self.failed_builds = 0 if succeeded else self.failed_builds + 1
            self._dirty.set()

    def free_allocations(self, instance):
        """The instance is gone: free its placement allocations (sent with
        the next flush, one conductor cast for all of a burst)."""
        with self._lock:
            self._to_free.add(instance.uuid)
            self._dirty.set()

    def _send_frees(self, context):
        with self._lock:
            uuids, self._to_free = sorted(self._to_free), set()
        if not uuids:
            return
        try:
            self.conductor.free_allocations(context, uuids)
        except Exception:
            LOG.exception('Could not free the allocations of %s', uuids)
            with self._lock:
                self._to_free.update(uuids)

    def release(self, instance):
        """Free an instance's resources; a no-op if it holds none."""
        with self._lock:
            claim = self.claimed.pop(instance.uuid, None)
            if claim is not None:
                self._adjust(claim, -1)

    def _adjust(self, claim, sign):
        """Change usage by a claim's (node, need); the caller holds the
        lock."""
        node, need = claim
        usage = self.usage.setdefault(node, [0, 0, 0, 0])
        for i, amount in enumerate(need):
            usage[i] += sign * amount
        usage[3] += sign
        self._dirty.set()

    # -- records -------------------------------------------------------

    def update_available_resource(self, context):
        """Recount usage from the instances on this host and save."""
        instances = objects.InstanceList.get_by_host(context, self.host)
        usage = {}
        claimed = {}
        for instance in instances:
            if instance.vm_state in ('deleted', 'error') and \
                    instance.task_state is None:
                continue
            claim = (instance.node or self.host, self._need(instance))
            counts = usage.setdefault(claim[0], [0, 0, 0, 0])
            for i, amount in enumerate(claim[1]):
                counts[i] += amount
            counts[3] += 1
            claimed[instance.uuid] = claim
        with self._lock:
            self.usage = usage
            self.claimed = claimed
        self._read_service(context)
        for nodename in self.driver.get_available_nodes():
            self._save_node(context, nodename)

    def _read_service(self, context):
        try:
            service = objects.Service.get_by_compute_host(context, self.host)
        except exception.ComputeHostNotFound:
            return
        self.disabled = bool(service.disabled)

    @in_remote_objects
    def _flush_loop(self, context):
        saved_at = 0.0
        while not self._stopped.is_set():
            self._dirty.wait()
            if self._stopped.is_set():
                return
            self._stopped.wait(_FLUSH_DELAY)
            self._dirty.clear()
            self._send_frees(context)
            if time.monotonic() - saved_at < _NODE_SAVE_INTERVAL:
                self._dirty.set()  # the node write is due a little later
                continue
            saved_at = time.monotonic()
            for nodename in list(self.nodes):
                try:
                    self._save_node(context, nodename)
                except Exception:
                    LOG.exception('Could not save compute node %s', nodename)
                    self._dirty.set()

    def _save_node(self, context, nodename):
        resources = self.driver.get_host_resources(nodename)
        with self._lock:
            vcpus, ram, disk, count = self.usage.get(nodename, [0, 0, 0, 0])
        ram += self.conf.reserved_host_memory_mb
        disk += self.conf.reserved_host_disk_mb // 1024
        values = {
            'vcpus': resources.vcpus, 'memory_mb': resources.memory_mb,
            'local_gb': resources.local_gb, 'vcpus_used': vcpus,
            'memory_mb_used': ram, 'local_gb_used': disk,
            'free_ram_mb': resources.memory_mb - ram,
            'free_disk_gb': resources.local_gb - disk,
            'running_vms': count, 'current_workload': len(self.building),
            'stats': jsonutils.dumps({
                'num_instances': count, 'io_workload': len(self.building),
                'failed_builds': self.failed_builds}),
            'hypervisor_type': resources.hypervisor_type,
            'hypervisor_version': resources.hypervisor_version,
            'cpu_info': resources.cpu_info,
            'cpu_allocation_ratio': _ratio(self.conf, 'cpu'),
            'ram_allocation_ratio': _ratio(self.conf, 'ram'),
            'disk_allocation_ratio': _ratio(self.conf, 'disk'),
        }
        node = self.nodes.get(nodename)
        if node is None:
            node = self._get_or_create_node(context, nodename, values)
            self.nodes[nodename] = node
        else:
            changed = False
            for key, value in values.items():
                if getattr(node, key) != value:
                    setattr(node, key, value)
                    changed = True
            if changed:
                node.save()
        self._report_provider(context, node, resources)

    def _report_provider(self, context, node, resources):
        """Send the node's provider view to placement if it changed."""
        view = (inventories(self.conf, resources),
                sorted(self.traits(node.hypervisor_hostname)))
        if self._reported.get(node.hypervisor_hostname) == view:
            return
        try:
            self.conductor.update_provider(
                context, node.uuid, node.hypervisor_hostname, view[0],
                view[1])
        except Exception:
            # Not remembered as sent: the next periodic task retries.
            LOG.exception('Could not report provider %s to placement',
                          node.uuid)
            return
        self._reported[node.hypervisor_hostname] = view
        LOG.info('Provider %s (%s) reported to placement', node.uuid,
                 node.hypervisor_hostname)

    def traits(self, nodename=None):
        traits = capability_traits(getattr(self.driver, 'capabilities', {}))
        if nodename is not None:
            traits.update(self.driver.get_traits(nodename))
        if self.disabled:
            traits.add(DISABLED_TRAIT)
        return traits

    def _get_or_create_node(self, context, nodename, values):
        try:
            node = objects.ComputeNode.get_by_host_and_nodename(
                context, self.host, nodename)
        except exception.ComputeHostNotFound:
            service = objects.Service.get_by_compute_host(context, self.host)
            node = objects.ComputeNode(context, host=self.host,
                                       hypervisor_hostname=nodename,
                                       service_id=service.id,
                                       disk_available_least=values[
                                           'local_gb'], **values)
            node.create()
            LOG.info('Compute node record created for %s:%s', self.host,
                     nodename)
            return node
        for key, value in values.items():
            setattr(node, key, value)
        node.save()
        return node
