"""The built-in image service with real processes and real clients.

* openstackclient, with the shipped etc/clouds.yaml, against nova-all:
  image create --file, list, show, set --property, save, delete, and a
  second project that cannot see a private image.
* nova-image-api killed (SIGKILL) in the middle of an upload: no active
  image with partial data, and after a restart the image is queued with no
  data file left.

Neither needs RabbitMQ or a database server: nova-all and nova-image-api
run on SQLite.
"""
import hashlib
import http.client
import json
import os
import signal
import subprocess
import textwrap

import pytest

from tests.integration.conftest import ADMIN_TOKEN
from tests.integration.conftest import ApiClient
from tests.integration.conftest import BIN
from tests.integration.conftest import free_port
from tests.integration.conftest import wait_api_up
from tests.integration.conftest import wait_for


def _repo_file(*parts):
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.join(os.path.dirname(os.path.dirname(here)), *parts)


@pytest.fixture
def nova_all(services, tmp_path):
    port = free_port()
    state = tmp_path / 'state'
    state.mkdir()
    conf = tmp_path / 'nova-all.conf'
    conf.write_text('[DEFAULT]\nstate_path = %s\n[wsgi]\nport = %d\n'
                    % (state, port))
    services.start('nova-all', 'nova-all', '--config-file', str(conf))
    wait_api_up(ApiClient(port), services, timeout=120)
    return port


@pytest.fixture
def cli(nova_all, services, tmp_path):
    with open(_repo_file('etc', 'clouds.yaml')) as f:
        shipped = f.read()
    assert ':8774/' in shipped
    clouds = tmp_path / 'clouds.yaml'
    clouds.write_text(shipped.replace(':8774/', ':%d/' % nova_all))
    env = {k: v for k, v in os.environ.items() if not k.startswith('OS_')}
    env['OS_CLIENT_CONFIG_FILE'] = str(clouds)

    def run(*args, cloud='nova-embedded', check=True):
        argv = [str(BIN / 'openstack'), '--os-cloud', cloud, *args]
        done = subprocess.run(argv, capture_output=True, text=True, env=env,
                              timeout=300, stdin=subprocess.DEVNULL)
        output = done.stdout + done.stderr
        services.commands.append((argv, done.returncode, output))
        if check and done.returncode:
            services.fail('openstack %s exited %d:\n%s' % (
                ' '.join(args), done.returncode, output))
        return done
    return run


def _json(done):
    return json.loads(done.stdout)


def test_openstackclient_image_commands(cli, tmp_path):
    data = os.urandom(5 * 1024 * 1024 + 3)
    source = tmp_path / 'disk.qcow2'
    source.write_bytes(data)
    created = _json(cli('image', 'create', '--file', str(source),
                        '--disk-format', 'qcow2', '--container-format',
                        'bare', '--private', 'osc-image', '-f', 'json'))
    assert created['status'] == 'active', created
    assert created['size'] == len(data)
    assert created['checksum'] == hashlib.md5(data).hexdigest()

    listed = _json(cli('image', 'list', '-f', 'json'))
    assert {'osc-image', 'cirros'} <= {i['Name'] for i in listed}

    cli('image', 'set', '--property', 'os_distro=cirros', '--property',
        'hw_disk_bus=virtio', '--min-ram', '64', 'osc-image')
    shown = _json(cli('image', 'show', 'osc-image', '-f', 'json'))
    assert shown['id'] == created['id'] and shown['min_ram'] == 64
    assert shown['properties']['os_distro'] == 'cirros'
    assert shown['properties']['hw_disk_bus'] == 'virtio'
    assert shown['properties']['os_hash_value'] == \
        hashlib.sha512(data).hexdigest()

    saved = tmp_path / 'saved'
    cli('image', 'save', '--file', str(saved), 'osc-image')
    assert saved.read_bytes() == data

    # Another project neither lists nor finds the private image.
    other = cli('image', 'show', created['id'], cloud='nova-embedded-demo',
                check=False)
    assert other.returncode != 0
    others = _json(cli('image', 'list', '-f', 'json',
                       cloud='nova-embedded-demo'))
    assert 'osc-image' not in {i['Name'] for i in others}

    cli('image', 'delete', 'osc-image')
    listed = _json(cli('image', 'list', '-f', 'json'))
    assert 'osc-image' not in {i['Name'] for i in listed}


def test_boot_snapshot_and_boot_again_with_openstackclient(cli, tmp_path):
    """The issue's check: upload a qcow2, boot it on the fake driver,
    snapshot the server, boot a second server from the snapshot; another
    project cannot see the private image."""
    source = tmp_path / 'disk.qcow2'
    source.write_bytes(os.urandom(1024 * 1024))
    cli('image', 'create', '--file', str(source), '--disk-format', 'qcow2',
        '--container-format', 'bare', '--private', 'base-image')
    cli('flavor', 'create', '--vcpus', '1', '--ram', '128', '--disk', '1',
        'img.tiny')
    first = _json(cli('server', 'create', '--flavor', 'img.tiny', '--image',
                      'base-image', '--wait', 'vm-a', '-f', 'json'))
    assert first['status'] == 'ACTIVE', first
    snapshot = _json(cli('server', 'image', 'create', '--name', 'snap-a',
                         '--wait', 'vm-a', '-f', 'json'))
    assert snapshot['status'] == 'active', snapshot
    second = _json(cli('server', 'create', '--flavor', 'img.tiny', '--image',
                       'snap-a', '--wait', 'vm-b', '-f', 'json'))
    assert second['status'] == 'ACTIVE', second
    others = _json(cli('image', 'list', '-f', 'json',
                       cloud='nova-embedded-demo'))
    assert not {'base-image', 'snap-a'} & {i['Name'] for i in others}


# ------------------------------------------------ killed mid-upload ------

def _start_image_api(services, tmp_path, port):
    state = tmp_path / 'state'
    state.mkdir(exist_ok=True)
    db = 'sqlite:///%s/nova_api.sqlite' % state
    conf = tmp_path / 'image-api.conf'
    conf.write_text(textwrap.dedent("""\
        [DEFAULT]
        state_path = {state}
        [api_database]
        connection = {db}
        [image]
        api_port = {port}
        """).format(state=state, db=db, port=port))
    services.run('nova-manage', '--config-file', str(conf), 'api_db',
                 'sync')
    proc = services.start('nova-image-api-%d' % len(services.procs),
                          'nova-image-api', '--config-file', str(conf))
    api = ApiClient(port)
    wait_for(lambda: _answers(api), 60, check=services.check_alive,
             on_timeout=lambda _: services.fail('nova-image-api is not up'))
    return proc, api, state / 'images'


def _answers(api):
    try:
        return api.get('/versions', timeout=5)[0] == 200
    except OSError:
        return False


def _partial_upload(port, image_id, total, sent):
    """Send the headers and ``sent`` of ``total`` bytes; keep it open."""
    conn = http.client.HTTPConnection('127.0.0.1', port, timeout=30)
    conn.putrequest('PUT', '/v2/images/%s/file' % image_id)
    conn.putheader('X-Auth-Token', ADMIN_TOKEN)
    conn.putheader('Content-Type', 'application/octet-stream')
    conn.putheader('Content-Length', str(total))
    conn.endheaders()
    block = b'k' * (1024 * 1024)
    for _ in range(sent // len(block)):
        conn.send(block)
    return conn


def test_killing_the_image_api_mid_upload(services, tmp_path):
    port = free_port()
    proc, api, images_dir = _start_image_api(services, tmp_path, port)
    status, image = api.post('/v2/images', {'name': 'interrupted',
                                            'disk_format': 'raw',
                                            'container_format': 'bare'})
    assert status == 201, image
    conn = _partial_upload(port, image['id'], 64 * 1024 * 1024,
                           8 * 1024 * 1024)
    incoming = images_dir / '.incoming'
    wait_for(lambda: any(incoming.iterdir()), 30)
    status, during = ApiClient(port).get('/v2/images/%s' % image['id'])
    assert during['status'] == 'saving'
    os.killpg(proc.proc.pid, signal.SIGKILL)
    proc.proc.wait(timeout=30)
    services.procs.remove(proc)  # dead on purpose
    conn.close()

    proc, api, _ = _start_image_api(services, tmp_path, port)
    status, after = api.get('/v2/images/%s' % image['id'])
    assert status == 200 and after['status'] == 'queued', after
    assert after['size'] is None and after['checksum'] is None
    assert list(incoming.iterdir()) == []
    assert not (images_dir / image['id']).exists()
    # The image takes a whole upload afterwards.
    data = b'complete' * 1000
    resp = _upload(port, image['id'], data)
    assert resp == 204
    status, done = api.get('/v2/images/%s' % image['id'])
    assert done['status'] == 'active' and done['size'] == len(data)


def _upload(port, image_id, data):
    conn = http.client.HTTPConnection('127.0.0.1', port, timeout=30)
    conn.request('PUT', '/v2/images/%s/file' % image_id, body=data,
                 headers={'X-Auth-Token': ADMIN_TOKEN,
                          'Content-Type': 'application/octet-stream'})
    status = conn.getresponse().status
    conn.close()
    return status
