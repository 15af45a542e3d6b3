"""Keeps this host's compute node record true to what runs on it.

Usage is counted from the instances on the host when the service starts and
periodically, and adjusted in memory on every claim and release. Writes are
coalesced: a burst of 100 builds costs a handful of record updates, not 100.
"""
import threading

from oslo_log import log as logging

from nova import exception
from nova import objects
from nova.objects.indirection import in_remote_objects

LOG = logging.getLogger(__name__)

_FLUSH_DELAY = 0.2  # seconds a burst of claims is gathered before a write


class ResourceTracker:
    def __init__(self, conf, host, driver):
        self.conf = conf
        self.host = host
        self.driver = driver
        self.nodes = {}
        self.usage = {}
        self.claimed = set()
        self._lock = threading.Lock()
        self._dirty = threading.Event()
        self._stopped = threading.Event()
        self._flusher = None

    # -- lifecycle -----------------------------------------------------

    def start(self, context):
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

    # -- claims --------------------------------------------------------

    @staticmethod
    def _need(instance):
        flavor = instance.flavor
        return (flavor.vcpus, flavor.memory_mb,
                (flavor.root_gb or 0) + (flavor.ephemeral_gb or 0))

    def claim(self, instance):
        with self._lock:
            if instance.uuid in self.claimed:
                return
            self.claimed.add(instance.uuid)
            self._adjust(instance, +1)

    def release(self, instance):
        """Free an instance's resources; a no-op if it holds none."""
        with self._lock:
            if instance.uuid not in self.claimed:
                return
            self.claimed.discard(instance.uuid)
            self._adjust(instance, -1)

    def _adjust(self, instance, sign):
        """Change usage; the caller holds the lock."""
        usage = self.usage.setdefault(instance.node or self.host,
                                      [0, 0, 0, 0])
        for i, amount in enumerate(self._need(instance)):
            usage[i] += sign * amount
        usage[3] += sign
        self._dirty.set()

    # -- records -------------------------------------------------------

    def update_available_resource(self, context):
        """Recount usage from the instances on this host and save."""
        instances = objects.InstanceList.get_by_host(context, self.host)
        usage = {}
        claimed = set()
        for instance in instances:
            if instance.vm_state in ('deleted', 'error') and \
                    instance.task_state is None:
                continue
            counts = usage.setdefault(instance.node or self.host,
                                      [0, 0, 0, 0])
            for i, amount in enumerate(self._need(instance)):
                counts[i] += amount
            counts[3] += 1
            claimed.add(instance.uuid)
        with self._lock:
            self.usage = usage
            self.claimed = claimed
        for nodename in self.driver.get_available_nodes():
            self._save_node(context, nodename)

    @in_remote_objects
    def _flush_loop(self, context):
        while not self._stopped.is_set():
            self._dirty.wait()
            if self._stopped.is_set():
                return
            self._stopped.wait(_FLUSH_DELAY)
            self._dirty.clear()
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
            'running_vms': count, 'current_workload': 0,
            'hypervisor_type': resources.hypervisor_type,
            'hypervisor_version': resources.hypervisor_version,
            'cpu_info': resources.cpu_info,
            'cpu_allocation_ratio': self.conf.cpu_allocation_ratio,
            'ram_allocation_ratio': self.conf.ram_allocation_ratio,
            'disk_allocation_ratio': self.conf.disk_allocation_ratio,
        }
        node = self.nodes.get(nodename)
        if node is None:
            node = self._get_or_create_node(context, nodename, values)
            self.nodes[nodename] = node
            return
        changed = False
        for key, value in values.items():
            if getattr(node, key) != value:
                setattr(node, key, value)
                changed = True
        if changed:
            node.save()

    def _get_or_create_node(self, context, nodename, values):
        try:
            node = objects.ComputeNode.get_by_host_and_nodename(
                context, self.host, nodename)
        except exception.ComputeHostNotFound:
            service = objects.Service.get_by_compute_host(context, self.host)
            node = objects.ComputeNode(context, host=self.host,
                                       hypervisor_hostname=nodename,
                                       service_id=service.id, stats='{}',
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
