"""The services as separate processes, over real RabbitMQ and real databases.

nova-api, nova-conductor, nova-scheduler and two nova-compute (fake driver)
run as subprocesses of the installed console scripts, talk over a fresh
RabbitMQ vhost and keep state in fresh MariaDB or PostgreSQL databases.
A second test drives ``nova-all`` with openstackclient and openstacksdk.
"""
import json
import os
import subprocess
import textwrap
from pathlib import Path

import pytest

# Fixtures (rabbit_vhost, databases, services) come from conftest.py; the
# plain helpers are imported from it.
from .conftest import (ADMIN_TOKEN, BIN, IMAGE_ID, ApiClient, free_port,
                       wait_api_up, wait_for)

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]

COMPUTE_HOSTS = ('compute1', 'compute2')
SINGLE_CREATES = 20
MULTI_CREATE = 5
BUILD_TIMEOUT = 180
DELETE_TIMEOUT = 180
# NOVA_IT_DEBUG=1 turns on debug logging in the services (long logs).
DEBUG = 'true' if os.environ.get('NOVA_IT_DEBUG') else 'false'


def write_conf(path, transport_url, api_db, cell_db, port, state_path):
    path.write_text(textwrap.dedent("""\
        [DEFAULT]
        transport_url = {transport_url}
        compute_driver = fake
        state_path = {state_path}
        # Fast heartbeats so the services are seen up quickly.
        report_interval = 2
        debug = {debug}

        [api_database]
        connection = {api_db}

        [database]
        connection = {cell_db}

        [wsgi]
        listen = 127.0.0.1
        port = {port}

        [api]
        auth_strategy = noauth2
        """).format(debug=DEBUG, **locals()))
    return path


def write_host_conf(path, host):
    path.write_text('[DEFAULT]\nhost = %s\n' % host)
    return path


def mapped_hosts(api_db_url):
    """Hosts in the API database's host_mappings (what discover_hosts made).

    Read straight from the database the test owns: it is the one signal that
    the scheduler can now send builds to those hosts.
    """
    import sqlalchemy as sa
    engine = sa.create_engine(api_db_url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            return {row[0] for row in conn.execute(
                sa.text('SELECT host FROM host_mappings'))}
    except sa.exc.SQLAlchemyError:
        return set()
    finally:
        engine.dispose()


def wait_computes_ready(api, group, conf, api_db_url, timeout=120):
    """Discover hosts until both computes are mapped and, where the API
    can say so, up and reported to placement."""
    def ready():
        group.run('nova-manage', '--config-file', str(conf), 'cell_v2',
                  'discover_hosts')
        if not set(COMPUTE_HOSTS) <= mapped_hosts(api_db_url):
            return False
        status, body = api.get('/v2.1/os-services?binary=nova-compute')
        if status == 200:
            up = {s['host'] for s in body.get('services', [])
                  if s.get('state') == 'up'}
            if not set(COMPUTE_HOSTS) <= up:
                return False
        status, body = api.get('/placement/resource_providers')
        if status == 200 and len(body.get('resource_providers', [])) < 2:
            return False
        return True

    wait_for(ready, timeout, interval=2, check=group.check_alive,
             on_timeout=lambda _: group.fail(
                 'computes %s not mapped/up within %ss'
                 % (', '.join(COMPUTE_HOSTS), timeout)))


def create_flavor(api, group, name='it.tiny'):
    status, body = api.post('/v2.1/flavors', {'flavor': {
        'name': name, 'ram': 128, 'vcpus': 1, 'disk': 1}})
    if status != 200:
        group.fail('flavor create -> %s %s' % (status, body))
    return body['flavor']['id']


def server_statuses(api, group, filters=''):
    status, body = api.get('/v2.1/servers/detail' + filters)
    if status != 200:
        group.fail('GET /servers/detail%s -> %s %s' % (filters, status, body))
    return {s['id']: s for s in body['servers']}


def boot_delete_cycle(api, group):
    """20 single creates plus one multi-create; all ACTIVE; all gone."""
    flavor = create_flavor(api, group)
    ids = []
    for i in range(SINGLE_CREATES):
        status, body = api.post('/v2.1/servers', {'server': {
            'name': 'it-%d' % i, 'imageRef': IMAGE_ID, 'flavorRef': flavor}})
        if status != 202:
            group.fail('POST /servers #%d -> %s %s' % (i, status, body))
        ids.append(body['server']['id'])

    status, body = api.post('/v2.1/servers', {'server': {
        'name': 'it-multi', 'imageRef': IMAGE_ID, 'flavorRef': flavor,
        'min_count': MULTI_CREATE, 'max_count': MULTI_CREATE,
        'return_reservation_id': True}})
    if status != 202 or 'reservation_id' not in (body or {}):
        group.fail('multi-create -> %s %s' % (status, body))
    reservation = body['reservation_id']

    def reserved():
        found = server_statuses(api, group, '?reservation_id=' + reservation)
        return list(found) if len(found) == MULTI_CREATE else None

    multi = wait_for(reserved, 60, check=group.check_alive,
        on_timeout=lambda _: group.fail(
            'reservation %s did not list %d servers' % (reservation,
                                                        MULTI_CREATE)))
    ids.extend(multi)
    assert len(set(ids)) == SINGLE_CREATES + MULTI_CREATE

    def all_active():
        servers = server_statuses(api, group)
        errored = {i: servers[i].get('fault') for i in ids
                   if i in servers and servers[i]['status'] == 'ERROR'}
        if errored:
            group.fail('servers went to ERROR: %s' % errored)
        return all(i in servers and servers[i]['status'] == 'ACTIVE'
                   for i in ids) and servers

    servers = wait_for(all_active, BUILD_TIMEOUT, check=group.check_alive,
                       on_timeout=lambda _: group.fail(
                           'not all servers ACTIVE within %ss: %s' % (
                               BUILD_TIMEOUT, sorted(
                                   (s['status'] for s in server_statuses(
                                       api, group).values())))))
    for sid in ids:
        assert servers[sid]['status'] == 'ACTIVE', servers[sid]
        host = servers[sid].get('OS-EXT-SRV-ATTR:host')
        if host is not None:
            assert host in COMPUTE_HOSTS, servers[sid]

    for sid in ids:
        status, body = api.delete('/v2.1/servers/%s' % sid)
        assert status == 204, (sid, status, body)

    def all_gone():
        return all(api.get('/v2.1/servers/%s' % sid)[0] == 404
                   for sid in ids)

    wait_for(all_gone, DELETE_TIMEOUT, interval=1, check=group.check_alive,
             on_timeout=lambda _: group.fail(
                 'servers still present %ss after DELETE: %s' % (
                     DELETE_TIMEOUT, [sid for sid in ids if api.get(
                         '/v2.1/servers/%s' % sid)[0] != 404])))
    for sid in ids:
        status, _ = api.get('/v2.1/servers/%s' % sid)
        assert status == 404, sid


def start_deployment(services, conf, tmp_path):
    """Create the schemas and cells, then start conductor, scheduler, the
    computes and nova-api, each a process of its own, sharing conf."""
    manage = ('nova-manage', '--config-file', str(conf))
    services.run(*manage, 'api_db', 'sync')
    services.run(*manage, 'cell_v2', 'map_cell0')
    services.run(*manage, 'cell_v2', 'create_cell', '--name', 'cell1')
    services.run(*manage, 'db', 'sync')

    common = ('--config-file', str(conf))
    conductor = services.start('nova-conductor', 'nova-conductor', *common)
    scheduler = services.start('nova-scheduler', 'nova-scheduler', *common)
    # Computes call the conductor as they start; a call sent before the
    # conductor's queue exists is lost in RabbitMQ. Give the conductor and
    # scheduler a head start (soft: go on after 30 s regardless).
    try:
        wait_for(lambda: conductor.log_contains('started') and
                 scheduler.log_contains('started'), 30,
                 check=services.check_alive)
    except TimeoutError:
        pass
    for host in COMPUTE_HOSTS:
        host_conf = write_host_conf(tmp_path / ('%s.conf' % host), host)
        services.start(host, 'nova-compute', *common,
                       '--config-file', str(host_conf))
    services.start('nova-api', 'nova-api', *common)


@pytest.mark.parametrize('databases', ['mysql', 'postgresql'],
                         indirect=True)
def test_multiprocess_boot_and_delete(rabbit_vhost, databases, services,
                                      tmp_path):
    databases.create('api', 'cell1', 'cell1_cell0')
    port = free_port()
    conf = write_conf(tmp_path / 'nova.conf', rabbit_vhost,
                      databases.url('api'), databases.url('cell1'), port,
                      tmp_path / 'state')
    start_deployment(services, conf, tmp_path)

    api = ApiClient(port)
    wait_api_up(api, services)
    wait_computes_ready(api, services, conf, databases.url('api'))
    boot_delete_cycle(api, services)
    services.check_alive()


# ------------------------------------------- the ecosystem's clients ------

def clouds_yaml(path, port):
    """The shipped etc/clouds.yaml, pointed at this test's port."""
    shipped = (REPO / 'etc' / 'clouds.yaml').read_text()
    assert ':8774/' in shipped
    path.write_text(shipped.replace(':8774/', ':%d/' % port))
    return path


@pytest.fixture
def nova_all(services, tmp_path):
    """nova-all on a free port with a private state dir; yields the port."""
    port = free_port()
    state = tmp_path / 'state'
    state.mkdir()
    conf = tmp_path / 'nova-all.conf'
    conf.write_text(textwrap.dedent("""\
        [DEFAULT]
        state_path = {state}
        debug = {debug}

        [wsgi]
        port = {port}
        """).format(state=state, port=port, debug=DEBUG))
    services.start('nova-all', 'nova-all', '--config-file', str(conf))
    wait_api_up(ApiClient(port), services, timeout=120)
    return port


def openstack_cli(services, env, *args, timeout=300):
    argv = [str(BIN / 'openstack'), *args]
    done = subprocess.run(argv, capture_output=True, text=True, env=env,
                          timeout=timeout, stdin=subprocess.DEVNULL)
    output = done.stdout + done.stderr
    services.commands.append((argv, done.returncode, output))
    if done.returncode:
        services.fail('openstack %s exited %d:\n%s' % (
            ' '.join(args), done.returncode, output))
    return done.stdout


def test_openstackclient_against_nova_all(nova_all, services, tmp_path):
    env = dict(os.environ,
               OS_CLIENT_CONFIG_FILE=str(clouds_yaml(tmp_path / 'clouds.yaml',
                                                     nova_all)),
               OS_CLOUD='nova-embedded')
    for key in [k for k in env if k.startswith('OS_') and k not in (
            'OS_CLIENT_CONFIG_FILE', 'OS_CLOUD')]:
        del env[key]

    def cli(*args):
        return openstack_cli(services, env, *args)

    flavor = json.loads(cli('flavor', 'create', '--vcpus', '1', '--ram',
                            '128', '--disk', '1', 'm1.tiny', '-f', 'json'))
    assert flavor['name'] == 'm1.tiny'

    server = json.loads(cli('server', 'create', '--flavor', 'm1.tiny',
                            '--image', 'cirros', 'vm1', '--wait',
                            '-f', 'json'))
    assert server['status'] == 'ACTIVE', server

    listed = json.loads(cli('server', 'list', '-f', 'json'))
    assert [s['Name'] for s in listed] == ['vm1'], listed
    assert listed[0]['Status'] == 'ACTIVE'

    shown = json.loads(cli('server', 'show', 'vm1', '-f', 'json'))
    assert shown['id'] == server['id']
    assert shown['status'] == 'ACTIVE'

    cli('server', 'delete', 'vm1', '--wait')
    assert json.loads(cli('server', 'list', '-f', 'json')) == []


def test_openstacksdk_against_nova_all(nova_all, services):
    import openstack

    base = 'http://127.0.0.1:%d' % nova_all
    _, versions = ApiClient(nova_all).get('/')
    v21 = [v for v in versions['versions'] if v['id'] == 'v2.1'][0]
    max_mv = tuple(int(x) for x in (v21.get('version') or '2.1').split('.'))
    # From 2.37 a create must say which networks; before it must not.
    nets = {'networks': 'none'} if max_mv >= (2, 37) else {}
    conn = openstack.connect(
        auth_type='admin_token',
        auth={'endpoint': base + '/v2.1', 'token': ADMIN_TOKEN},
        identity_endpoint_override=base + '/identity/',
        load_yaml_config=False, load_envvars=False)
    try:
        flavor = conn.compute.create_flavor(name='sdk.tiny', ram=128,
                                            vcpus=1, disk=1)
        server = conn.compute.create_server(
            name='sdk-vm', image_id=IMAGE_ID, flavor_id=flavor.id, **nets)
        server = conn.compute.wait_for_server(server, status='ACTIVE',
                                              wait=120)
        assert server.status == 'ACTIVE'
        assert [s.id for s in conn.compute.servers()] == [server.id]
        assert conn.compute.get_server(server.id).name == 'sdk-vm'
        conn.compute.delete_server(server)
        conn.compute.wait_for_delete(server, wait=120)
        assert list(conn.compute.servers()) == []
        conn.compute.delete_flavor(flavor)
    except openstack.exceptions.SDKException as exc:
        services.fail('openstacksdk: %s' % exc)
    finally:
        conn.close()
