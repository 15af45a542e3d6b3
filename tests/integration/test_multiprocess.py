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
# plain helpers are imported from it and from deployment.py.
from .conftest import (ADMIN_TOKEN, BIN, IMAGE_ID, ApiClient, free_port,
                       wait_api_up)
from .deployment import (COMPUTE_HOSTS, DEBUG, boot_servers, create_flavor,
                         delete_servers, start_deployment,
                         wait_all_active, wait_computes_ready, write_conf)

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]

SINGLE_CREATES = 20
MULTI_CREATE = 5
BUILD_TIMEOUT = 180
DELETE_TIMEOUT = 180


def boot_delete_cycle(api, group):
    """20 single creates plus one multi-create; all ACTIVE; all gone."""
    flavor = create_flavor(api, group)
    ids = boot_servers(api, group, flavor, 'it', SINGLE_CREATES,
                       MULTI_CREATE)
    servers = wait_all_active(api, group, ids, BUILD_TIMEOUT)
    for sid in ids:
        assert servers[sid]['status'] == 'ACTIVE', servers[sid]
        host = servers[sid].get('OS-EXT-SRV-ATTR:host')
        if host is not None:
            assert host in COMPUTE_HOSTS, servers[sid]

    delete_servers(api, group, ids, DELETE_TIMEOUT)
    for sid in ids:
        status, _ = api.get('/v2.1/servers/%s' % sid)
        assert status == 404, sid


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
