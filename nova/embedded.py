"""The embedded default: every service in one process, nothing to set up.

SQLite files under ``state_path``, the in-process ``fake://`` transport,
databases and cells created on first start. ``nova-all`` and the
functional tests both start the whole stack through :func:`start`.
"""
import os

from oslo_log import log as logging

from nova.compute import host_discovery
from nova import context as nova_context
from nova.db import engines
from nova.db import migration
from nova import exception
from nova import objects
from nova import service

LOG = logging.getLogger(__name__)

# Options nova-all changes from their multi-process defaults.
EMBEDDED_DEFAULTS = {
    'transport_url': 'fake://',
    'scheduler.discover_hosts_in_cells_interval': 5,
    'periodic_interval': 10,
}

# nova-all alone (not the functional tests): the libvirt driver when
# libvirtd answers on qemu:///system, else the fake one (choose_driver).
# One host: a resize can only stay on it.
NOVA_ALL_DEFAULTS = dict(EMBEDDED_DEFAULTS, compute_driver='auto',
                         allow_resize_to_same_host=True)


def libvirt_reachable(uri='qemu:///system'):
    """(True, version) when libvirt-python is installed and uri answers,
    else (False, why)."""
    try:
        import libvirt
    except ImportError:
        return False, 'libvirt-python is not installed'
    libvirt.registerErrorHandler(lambda ctx, err: None, None)
    try:
        conn = libvirt.open(uri)
    except libvirt.libvirtError as exc:
        return False, str(exc)
    try:
        return True, '%s %s' % (conn.getType(), conn.getVersion())
    finally:
        conn.close()


def choose_driver(conf):
    """Resolve compute_driver = auto; print which driver nova-all uses."""
    if conf.compute_driver != 'auto':
        return conf.compute_driver
    uri = conf.libvirt.connection_uri or 'qemu:///system'
    ok, detail = libvirt_reachable(uri)
    name = 'libvirt' if ok else 'fake'
    conf.set_override('compute_driver', name)
    print('nova-all: compute driver %s (%s: %s)' % (name, uri, detail),
          flush=True)
    LOG.info('compute driver %s (%s: %s)', name, uri, detail)
    return name


def _sqlite(path):
    return 'sqlite:///' + os.path.abspath(path)


def database_urls(conf):
    """(api, cell1, cell0) URLs; SQLite under state_path unless set."""
    state = conf.state_path
    api = conf.api_database.connection or _sqlite(
        os.path.join(state, 'nova_api.sqlite'))
    main = conf.database.connection or _sqlite(
        os.path.join(state, 'nova.sqlite'))
    if main.startswith('sqlite'):
        cell0 = main.replace('.sqlite', '_cell0.sqlite')
    else:
        base, _, query = main.partition('?')
        cell0 = base + '_cell0' + ('?' + query if query else '')
    return api, main, cell0


def bootstrap(conf, fast_schema=False):
    """Create or upgrade the databases and map cell0 and cell1 (idempotent).
    """
    os.makedirs(conf.state_path, exist_ok=True)
    api, main, cell0 = database_urls(conf)
    conf.set_override('connection', api, group='api_database')
    conf.set_override('connection', main, group='database')
    engines.configure(conf)
    sync = migration.create_schema if fast_schema else migration.db_sync
    sync(api, 'api')
    sync(main, 'main')
    sync(cell0, 'main')
    context = nova_context.get_admin_context()
    cells = {c.uuid: c for c in objects.CellMappingList.get_all(context)}
    if objects.CellMapping.CELL0_UUID not in cells:
        objects.CellMapping(context, uuid=objects.CellMapping.CELL0_UUID,
                            name='cell0', transport_url='none:///',
                            database_connection=cell0).create()
    if not any(c.database_connection == main for c in cells.values()):
        objects.CellMapping(context, name='cell1',
                            transport_url=conf.transport_url,
                            database_connection=main).create()


class Stack:
    """Running services of one process, stopped in reverse order."""

    def __init__(self):
        self.services = []
        self.api_server = None

    def stop(self):
        if self.api_server is not None:
            self.api_server.stop()
        # Computes first and whole: their last object calls still need a
        # conductor. Then the rest, listeners first so waits overlap.
        computes = [s for s in self.services if s.binary == 'nova-compute']
        others = [s for s in self.services if s not in computes]
        for svc in computes:
            svc.stop_listening()
        for svc in computes:
            svc.wait()
        for svc in reversed(others):
            svc.stop_listening()
        for svc in reversed(others):
            svc.wait()


def start(conf, computes=(), api=True, fast_schema=False):
    """Bootstrap and start conductor, scheduler, computes and the API.

    computes: host names of the compute services to run in this process
    (each one a fake or real driver as configured); default: conf.host.
    """
    bootstrap(conf, fast_schema=fast_schema)
    stack = Stack()
    try:
        for factory in (service.conductor_service,
                        service.scheduler_service):
            svc = factory(conf)
            svc.start()
            stack.services.append(svc)
        for host in computes or [conf.host]:
            stack.services.append(start_compute(conf, host))
        discover(conf)
        if api:
            from nova.cmd import api as api_cmd
            stack.api_server = api_cmd.start_api(conf)
    except Exception:
        stack.stop()
        raise
    return stack


def start_compute(conf, host):
    """Start one compute service named host in this process."""
    choose_driver(conf)
    previous = conf.host
    conf.set_override('host', host)
    try:
        svc = service.compute_service(conf, shared_process=True)
        svc.host = host
    finally:
        conf.set_override('host', previous)
    svc.start()
    return svc


def discover(conf):
    try:
        host_discovery.discover_hosts(nova_context.get_admin_context())
    except exception.NovaException:
        LOG.exception('Host discovery failed')
