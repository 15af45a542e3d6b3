"""Keep instances' power state true to what the hypervisor says.

Two ways in: a periodic pass over every instance of the host
(:meth:`PowerStateSync.sync_all`, from the manager's periodic tasks), and
the driver's lifecycle events (drivers with ``LifecycleEventSource``),
which only queue the uuid: a worker thread re-reads the instance and the
guest under the instance's lock, so a stale event (a hard reboot's
"stopped" arriving after it finished) can never record a wrong state.

Rules (Nova's, simplified), only for instances with no task_state:

* power_state always becomes what the driver says (NOSTATE when the guest
  is gone);
* ACTIVE with a guest that is shut down, crashed or gone -> STOPPED (a
  guest that powered itself off shows SHUTOFF);
* STOPPED with a running guest -> the guest is powered off again (the
  user asked for it to be stopped).

Also at start-up (:func:`report_orphans`): guests with no instance on this
host are reported, and destroyed when the driver is configured to.
"""
import queue
import threading

from oslo_concurrency import lockutils
from oslo_log import log as logging

from nova import exception
from nova import objects
from nova.objects import fields
from nova.objects.indirection import in_remote_objects
from nova.virt import driver as virt_driver

LOG = logging.getLogger(__name__)

P = fields.PowerState
V = fields.VMState
_GONE_OR_DOWN = (P.SHUTDOWN, P.CRASHED, P.NOSTATE)
_DEBOUNCE = 0.5  # seconds events of one burst are gathered


def driver_power_state(driver, instance):
    try:
        return driver.get_info(instance).state
    except exception.InstanceNotFound:
        return P.NOSTATE


def sync_instance(driver, instance):
    """Apply the rules to one (fresh) instance; returns what changed."""
    if instance.task_state is not None or instance.vm_state not in (
            V.ACTIVE, V.STOPPED, V.PAUSED, V.SUSPENDED, V.RESCUED):
        return {}
    power = driver_power_state(driver, instance)
    changes = {}
    if power != instance.power_state:
        changes['power_state'] = power
    if instance.vm_state == V.ACTIVE and power in _GONE_OR_DOWN:
        LOG.warning('Instance %s is ACTIVE but its guest is %s: recording '
                    'it stopped', instance.uuid, P.NAMES.get(power, power))
        changes['vm_state'] = V.STOPPED
    elif instance.vm_state == V.STOPPED and power == P.RUNNING and \
            virt_driver.supports(driver, 'power'):
        LOG.warning('Instance %s is STOPPED but its guest runs: powering '
                    'it off', instance.uuid)
        driver.power_off(instance)
        changes['power_state'] = driver_power_state(driver, instance)
    if not changes:
        return {}
    for name, value in changes.items():
        setattr(instance, name, value)
    instance.save(expected_task_state=[None])
    return changes


class PowerStateSync:
    """Periodic and event-driven sync of one compute host's instances."""

    def __init__(self, host, driver):
        self.host = host
        self.driver = driver
        self._pending = set()
        self._queue = queue.Queue()
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._worker = None

    def start(self, context):
        if not isinstance(self.driver, virt_driver.LifecycleEventSource):
            return
        self.driver.register_lifecycle_listener(self.on_event)
        self._worker = threading.Thread(target=self._run, args=(context,),
                                        name='power-sync', daemon=True)
        self._worker.start()

    def stop(self):
        self._stopped.set()
        self._queue.put(None)
        if self._worker:
            self._worker.join(timeout=5)

    def on_event(self, uuid, power_state):
        """The driver's listener: queue only (runs on its event thread)."""
        with self._lock:
            if uuid in self._pending:
                return
            self._pending.add(uuid)
        self._queue.put(uuid)

    @in_remote_objects
    def _run(self, context):
        while not self._stopped.is_set():
            uuid = self._queue.get()
            if uuid is None:
                return
            self._stopped.wait(_DEBOUNCE)
            with self._lock:
                self._pending.discard(uuid)
            try:
                self.sync_uuid(context, uuid)
            except Exception:
                LOG.exception('Power-state sync of %s failed', uuid)

    def sync_uuid(self, context, uuid):
        with lockutils.lock(uuid):
            try:
                instance = objects.Instance.get_by_uuid(context, uuid)
            except exception.InstanceNotFound:
                return {}
            if instance.host != self.host:
                return {}
            try:
                return sync_instance(self.driver, instance)
            except (exception.UnexpectedTaskStateError,
                    exception.InstanceNotFound):
                return {}  # an action or a delete got there first

    def sync_all(self, context):
        """The periodic pass; returns {uuid: changes} of what changed.

        Only for drivers whose guests can change on their own (those with
        lifecycle events); the fake driver's never do.
        """
        changed = {}
        if not isinstance(self.driver, virt_driver.LifecycleEventSource):
            return changed
        for instance in objects.InstanceList.get_by_host(context, self.host):
            if instance.task_state is not None:
                continue
            changes = self.sync_uuid(context, instance.uuid)
            if changes:
                changed[instance.uuid] = changes
        return changed


def report_orphans(context, host, driver):
    """At start-up: guests of the driver no instance of this host owns
    (reported; destroyed when the driver is configured to)."""
    reconcile = getattr(driver, 'reconcile_orphans', None)
    if reconcile is None:
        return []
    known = [i.uuid for i in objects.InstanceList.get_by_host(context, host)]
    return reconcile(known)
