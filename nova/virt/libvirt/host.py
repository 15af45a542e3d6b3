"""The connection to libvirtd: opened lazily, reopened after a drop, plus
the libvirt event loop thread that turns lifecycle events into power
states for a listener.

libvirt needs ``virEventRegisterDefaultImpl()`` before the first open and
a thread running ``virEventRunDefaultImpl()`` for events (and keepalives)
to be delivered; callbacks run on that thread, so the listener must not
block (the compute side queues them, see nova/compute/power_sync.py).
"""
import threading

from oslo_log import log as logging

from nova import exception
from nova.objects import fields

LOG = logging.getLogger(__name__)

try:
    import libvirt
except ImportError:  # the suite runs without libvirt-python too
    libvirt = None

_EVENT_LOOP_LOCK = threading.Lock()
_EVENT_LOOP_STARTED = False

# Errors after which the connection is gone and worth reopening.
_CONNECTION_ERRORS = ('VIR_ERR_SYSTEM_ERROR', 'VIR_ERR_INTERNAL_ERROR',
                      'VIR_ERR_NO_CONNECT', 'VIR_ERR_INVALID_CONN',
                      'VIR_ERR_RPC')

# virDomainState -> PowerState
_POWER = {
    'VIR_DOMAIN_NOSTATE': fields.PowerState.NOSTATE,
    'VIR_DOMAIN_RUNNING': fields.PowerState.RUNNING,
    'VIR_DOMAIN_BLOCKED': fields.PowerState.RUNNING,
    'VIR_DOMAIN_PAUSED': fields.PowerState.PAUSED,
    'VIR_DOMAIN_SHUTDOWN': fields.PowerState.SHUTDOWN,
    'VIR_DOMAIN_SHUTOFF': fields.PowerState.SHUTDOWN,
    'VIR_DOMAIN_CRASHED': fields.PowerState.CRASHED,
    'VIR_DOMAIN_PMSUSPENDED': fields.PowerState.SUSPENDED,
}


def require_libvirt():
    if libvirt is None:
        raise exception.HypervisorUnavailable(
            host='local', reason='libvirt-python is not installed')


def power_state(domain_state, has_managed_save=False):
    """PowerState of a virDomainState; a stopped guest with a managed save
    image is SUSPENDED (suspend = managed save here)."""
    for name, state in _POWER.items():
        if getattr(libvirt, name) == domain_state:
            if state == fields.PowerState.SHUTDOWN and has_managed_save:
                return fields.PowerState.SUSPENDED
            return state
    return fields.PowerState.NOSTATE


def error_code_name(exc):
    code = exc.get_error_code()
    for name in _CONNECTION_ERRORS + ('VIR_ERR_NO_DOMAIN',
                                      'VIR_ERR_OPERATION_INVALID'):
        if getattr(libvirt, name, None) == code:
            return name
    return str(code)


def start_event_loop():
    """Register libvirt's default event loop and run it on a daemon
    thread; once per process (it must happen before the first open)."""
    global _EVENT_LOOP_STARTED
    require_libvirt()
    with _EVENT_LOOP_LOCK:
        if _EVENT_LOOP_STARTED:
            return
        libvirt.virEventRegisterDefaultImpl()
        # libvirt prints every error to stderr by default; ours are raised
        # as exceptions and logged where they matter.
        libvirt.registerErrorHandler(lambda ctx, err: None, None)

        def run():
            while True:
                try:
                    libvirt.virEventRunDefaultImpl()
                except Exception:  # keep the loop alive whatever happens
                    LOG.exception('libvirt event loop iteration failed')

        threading.Thread(target=run, name='libvirt-events',
                         daemon=True).start()
        _EVENT_LOOP_STARTED = True


class Host:
    """One libvirt connection and its lifecycle events.

    lifecycle_listener(uuid, power_state) is called on the event thread
    for every domain lifecycle event.
    """

    def __init__(self, uri, lifecycle_listener=None):
        self.uri = uri
        self.lifecycle_listener = lifecycle_listener
        self._conn = None
        self._lock = threading.Lock()

    # -- connection ------------------------------------------------------

    def get_connection(self):
        with self._lock:
            conn = self._conn
            if conn is not None:
                try:
                    if conn.isAlive():
                        return conn
                except libvirt.libvirtError:
                    pass
                LOG.warning('Connection to %s lost; reconnecting', self.uri)
                self._conn = None
            self._conn = self._open()
            return self._conn

    def _open(self):
        require_libvirt()
        start_event_loop()
        try:
            conn = libvirt.open(self.uri)
        except libvirt.libvirtError as exc:
            raise exception.HypervisorUnavailable(
                host=self.uri, reason=str(exc)) from exc
        try:
            conn.domainEventRegisterAny(
                None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                self._on_lifecycle, None)
        except libvirt.libvirtError as exc:
            LOG.warning('No lifecycle events from %s: %s', self.uri, exc)
        try:
            conn.registerCloseCallback(self._on_close, None)
        except libvirt.libvirtError:
            pass  # the test driver has no close callbacks
        LOG.info('Connected to %s (libvirt %s)', self.uri,
                 libvirt.getVersion())
        return conn

    def _on_close(self, conn, reason, opaque):
        LOG.warning('libvirt closed the connection to %s (reason %s)',
                    self.uri, reason)
        with self._lock:
            if self._conn is conn:
                self._conn = None

    def call(self, func, *args):
        """func(conn, *args), reconnecting once if the connection broke."""
        try:
            return func(self.get_connection(), *args)
        except libvirt.libvirtError as exc:
            if error_code_name(exc) not in _CONNECTION_ERRORS:
                raise
            with self._lock:
                self._conn = None
            return func(self.get_connection(), *args)

    def close(self):
        with self._lock:
            conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except libvirt.libvirtError:
                pass

    # -- events ----------------------------------------------------------

    def _on_lifecycle(self, conn, domain, event, detail, opaque):
        if self.lifecycle_listener is None:
            return
        try:
            state, _ = domain.state()
            saved = (state == libvirt.VIR_DOMAIN_SHUTOFF and
                     domain.hasManagedSaveImage(0))
            self.lifecycle_listener(domain.UUIDString(),
                                    power_state(state, saved))
        except Exception:  # never raise into libvirt's loop
            LOG.debug('Lifecycle event of a vanished domain', exc_info=True)

    # -- domains -----------------------------------------------------------

    def lookup(self, uuid):
        """The domain of uuid; InstanceNotFound when libvirt has none."""
        try:
            return self.call(lambda conn: conn.lookupByUUIDString(uuid))
        except libvirt.libvirtError as exc:
            if error_code_name(exc) == 'VIR_ERR_NO_DOMAIN':
                raise exception.InstanceNotFound(instance_id=uuid) from exc
            raise

    def list_domains(self):
        return self.call(lambda conn: conn.listAllDomains(0))

    def define(self, xml):
        return self.call(lambda conn: conn.defineXML(xml))

    def node_info(self):
        """[model, memory MiB, cpus, MHz, nodes, sockets, cores, threads]"""
        return self.call(lambda conn: conn.getInfo())

    def capabilities(self):
        return self.call(lambda conn: conn.getCapabilities())

    def hypervisor(self):
        """(type, version as an int such as 7002000)."""
        return self.call(lambda conn: (conn.getType(), conn.getVersion()))
