"""nova's Glance back end against a real Glance.

Glance (the ``glance`` package from the package index) runs without
authentication, with a file store and SQLite, in a virtualenv of its own
under the test cache directory (``$NOVA_TEST_CACHE``, default
``~/.cache/nova-tests``), built once and reused by later runs; it is served
by cheroot on a loopback port this test picks. The test skips, loudly, only
when the package index cannot be reached to build that virtualenv.

Two tests: the image facade's whole flow through ``[image] backend =
glance``, and nova-all configured with that back end booting a server from
an image that lives in Glance.
"""
import contextlib
import fcntl
import hashlib
import http.client
import os
import re
import shutil
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

import pytest

from nova import conf as nova_conf
from nova import context as nova_context
from nova import exception
from nova.image import api as image_api
from tests.integration.conftest import ADMIN_TOKEN
from tests.integration.conftest import ApiClient
from tests.integration.conftest import free_port
from tests.integration.conftest import ServiceProcess
from tests.integration.conftest import skip_loudly
from tests.integration.conftest import wait_api_up
from tests.integration.conftest import wait_for

GLANCE_SPEC = os.environ.get('NOVA_TEST_GLANCE_SPEC', 'glance==33.0.0')
CACHE = Path(os.environ.get('NOVA_TEST_CACHE',
                            Path.home() / '.cache' / 'nova-tests'))
VENV = CACHE / 'glance-venv'
PIP_TIMEOUT = 1200
# What pip prints when it cannot reach the package index.
_UNREACHABLE = re.compile(
    r'(NewConnectionError|Temporary failure in name resolution|'
    r'Max retries exceeded|Network is unreachable|No matching distribution '
    r'found for glance|Could not fetch URL)', re.I)

SERVE = textwrap.dedent("""\
    import sys
    from cheroot import wsgi
    from glance.wsgi import api
    server = wsgi.Server(('127.0.0.1', int(sys.argv[1])), api.application,
                         numthreads=8, server_name='glance-api')
    server.safe_start()
    """)


# ------------------------------------------------------ the Glance venv ---

@contextlib.contextmanager
def _locked(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, 'w') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _marker():
    return VENV / '.nova-test-complete'


def glance_venv():
    """The cached venv with Glance and cheroot, built when missing."""
    with _locked(CACHE / 'glance-venv.lock'):
        marker = _marker()
        if marker.exists() and marker.read_text() == GLANCE_SPEC:
            return VENV
        build = CACHE / ('glance-venv.build-%d' % os.getpid())
        shutil.rmtree(build, ignore_errors=True)
        python = getattr(sys, '_base_executable', None) or sys.executable
        subprocess.run([python, '-m', 'venv', str(build)], check=True,
                       timeout=300, stdin=subprocess.DEVNULL)
        started = time.monotonic()
        done = subprocess.run(
            [str(build / 'bin' / 'pip'), 'install', '--quiet',
             '--disable-pip-version-check', GLANCE_SPEC, 'cheroot'],
            capture_output=True, text=True, timeout=PIP_TIMEOUT,
            stdin=subprocess.DEVNULL)
        if done.returncode:
            shutil.rmtree(build, ignore_errors=True)
            output = done.stdout + done.stderr
            if _UNREACHABLE.search(output):
                skip_loudly('cannot build the Glance venv, the package '
                            'index is unreachable: %s' % output[-800:])
            pytest.fail('pip install %s failed:\n%s' % (GLANCE_SPEC,
                                                        output[-4000:]))
        print('built the Glance venv in %.0f s' % (
            time.monotonic() - started), file=sys.stderr)
        shutil.rmtree(VENV, ignore_errors=True)
        os.rename(build, VENV)
        # The venv's scripts name the build path; only python -m is used.
        _marker().write_text(GLANCE_SPEC)
        return VENV


# ---------------------------------------------------- a running Glance ---

def _glance_config(workdir, venv, port):
    paste = next((venv / 'etc' / 'glance').glob('glance-api-paste.ini'))
    for name in ('images', 'staging', 'tasks'):
        (workdir / name).mkdir()
    (workdir / 'glance-api.conf').write_text(textwrap.dedent("""\
        [DEFAULT]
        bind_host = 127.0.0.1
        bind_port = {port}
        enabled_backends = fs:file
        [glance_store]
        default_backend = fs
        [fs]
        filesystem_store_datadir = {w}/images
        [os_glance_staging_store]
        filesystem_store_datadir = {w}/staging
        [os_glance_tasks_store]
        filesystem_store_datadir = {w}/tasks
        [database]
        connection = sqlite:///{w}/glance.sqlite
        [paste_deploy]
        config_file = {paste}
        [oslo_policy]
        # No authentication: every request is an anonymous admin context
        # without roles, which only the legacy policy defaults allow.
        enforce_new_defaults = False
        enforce_scope = False
        """).format(port=port, w=workdir, paste=paste))


@pytest.fixture
def glance(services, tmp_path):
    """A Glance API on a free loopback port; yields its URL."""
    venv = glance_venv()
    workdir = tmp_path / 'glance'
    workdir.mkdir()
    port = free_port()
    _glance_config(workdir, venv, port)
    python = str(venv / 'bin' / 'python')
    env = dict(os.environ, OS_GLANCE_CONFIG_DIR=str(workdir))
    done = subprocess.run([python, '-m', 'glance.cmd.manage',
                           '--config-file', str(workdir / 'glance-api.conf'),
                           'db_sync'], capture_output=True, text=True,
                          timeout=300, env=env, stdin=subprocess.DEVNULL)
    if done.returncode:
        services.fail('glance-manage db_sync failed:\n%s%s' % (
            done.stdout, done.stderr))
    (workdir / 'serve.py').write_text(SERVE)
    # The harness appends --log-file; serve.py reads only the port.
    proc = ServiceProcess('glance-api', [python, str(workdir / 'serve.py'),
                                         str(port)], workdir, env=env)
    services.procs.append(proc.start())
    api = ApiClient(port)
    wait_for(lambda: _answers(api), 120, check=services.check_alive,
             on_timeout=lambda _: services.fail('Glance did not start'))
    return 'http://127.0.0.1:%d' % port


def _answers(api):
    try:
        return api.get('/versions', timeout=5)[0] == 200
    except OSError:
        return False


# ---------------------------------------------------------------- tests ---

def _facade(tmp_path, glance_url):
    conf_file = tmp_path / 'client.conf'
    conf_file.write_text('[image]\nbackend = glance\n[glance]\n'
                         'endpoint_override = %s\n' % glance_url)
    return image_api.API(nova_conf.build_conf(
        default_config_files=[str(conf_file)], register_logging=False))


def _chunks(data, size=256 * 1024):
    return (data[i:i + size] for i in range(0, len(data), size))


def test_image_facade_flow_against_glance(glance, tmp_path):
    api = _facade(tmp_path, glance)
    ctx = nova_context.RequestContext(user_id='u', project_id='p')
    data = os.urandom(2 * 1024 * 1024 + 5)
    name = 'g-%s' % uuid.uuid4().hex[:8]
    # Raw: Glance checks that the data is of the disk_format claimed.
    image = api.create(ctx, {'name': name, 'disk_format': 'raw',
                             'container_format': 'bare', 'tags': ['g'],
                             'properties': {'os_distro': 'cirros'}})
    assert image['status'] == 'queued'
    assert image['properties'] == {'os_distro': 'cirros'}
    active = api.upload(ctx, image['id'], _chunks(data), size=len(data))
    assert active['status'] == 'active' and active['size'] == len(data)
    assert active['checksum'] == hashlib.md5(data).hexdigest()
    assert active['os_hash_algo'] == 'sha512'
    assert active['os_hash_value'] == hashlib.sha512(data).hexdigest()

    assert [i['id'] for i in api.get_all(ctx, filters={'name': name})] == [
        image['id']]
    dest = tmp_path / 'cache' / image['id']
    api.download(ctx, image['id'], dest_path=str(dest))
    assert dest.read_bytes() == data
    assert b''.join(api.download(ctx, image['id'])) == data

    updated = api.update(ctx, image['id'],
                         {'name': name + '-renamed',
                          'properties': {'hw_disk_bus': 'virtio'}},
                         remove_props=['os_distro'])
    assert updated['name'] == name + '-renamed'
    assert updated['properties'] == {'hw_disk_bus': 'virtio'}

    with pytest.raises(exception.ImageNotQueued):
        api.upload(ctx, image['id'], _chunks(b'again'))
    api.delete(ctx, image['id'])
    with pytest.raises(exception.ImageNotFound):
        api.get(ctx, image['id'])


def test_listing_filters_and_pages_against_glance(glance, tmp_path):
    api = _facade(tmp_path, glance)
    ctx = nova_context.RequestContext(user_id='u', project_id='p')
    tag = 'page-%s' % uuid.uuid4().hex[:6]
    made = [api.create(ctx, {'name': '%s-%d' % (tag, i), 'tags': [tag]})
            for i in range(3)]
    listed = api.get_all(ctx, filters={'tag': [tag]}, sort_key='name',
                         sort_dir='asc')
    assert [i['id'] for i in listed] == [i['id'] for i in made]
    page = api.get_all(ctx, filters={'tag': [tag]}, sort_key='name',
                       sort_dir='asc', limit=1, marker=made[0]['id'])
    assert [i['id'] for i in page] == [made[1]['id']]


def test_bad_uploads_never_leave_glance_an_active_image(glance, tmp_path):
    api = _facade(tmp_path, glance)
    ctx = nova_context.RequestContext(user_id='u', project_id='p')
    with pytest.raises(exception.ImageInvalid):
        api.create(ctx, {'name': 'bad', 'disk_format': 'floppy'})
    image = api.create(ctx, {'name': 'short', 'disk_format': 'raw',
                             'container_format': 'bare'})
    with pytest.raises(exception.ImageUploadIncomplete):
        api.upload(ctx, image['id'], _chunks(b'x' * 1000), size=5000)
    assert api.get(ctx, image['id'])['status'] != 'active'
    md5 = hashlib.md5(b'right').hexdigest()
    image = api.create(ctx, {'name': 'md5', 'disk_format': 'raw',
                             'container_format': 'bare'})
    with pytest.raises(exception.ImageDataMismatch):
        api.upload(ctx, image['id'], _chunks(b'wrong'), checksum=md5)
    assert api.get(ctx, image['id'])['status'] != 'active'


def test_nova_all_boots_from_an_image_in_glance(glance, services, tmp_path):
    """nova-all with [image] backend = glance: its /image proxies to
    Glance and the compute API validates imageRef against it."""
    port = free_port()
    state = tmp_path / 'state'
    state.mkdir()
    conf = tmp_path / 'nova-all.conf'
    conf.write_text(textwrap.dedent("""\
        [DEFAULT]
        state_path = {state}
        compute_driver = fake
        [wsgi]
        port = {port}
        [image]
        backend = glance
        [glance]
        endpoint_override = {glance}
        """).format(state=state, port=port, glance=glance))
    services.start('nova-all', 'nova-all', '--config-file', str(conf))
    api = ApiClient(port)
    wait_api_up(api, services, timeout=120)

    status, image = api.post('/image/v2/images', {
        'name': 'in-glance', 'disk_format': 'raw',
        'container_format': 'bare', 'min_ram': 64})
    assert status == 201, image
    conn = http.client.HTTPConnection('127.0.0.1', port, timeout=60)
    conn.request('PUT', '/image/v2/images/%s/file' % image['id'],
                 body=b'\0' * 65536,
                 headers={'X-Auth-Token': ADMIN_TOKEN,
                          'Content-Type': 'application/octet-stream'})
    assert conn.getresponse().status == 204
    conn.close()
    status, in_glance = ApiClient(int(glance.rsplit(':', 1)[1])).get(
        '/v2/images/%s' % image['id'])
    assert status == 200 and in_glance['name'] == 'in-glance'
    assert in_glance['status'] == 'active' and in_glance['size'] == 65536

    status, flavor = api.post('/v2.1/flavors', {'flavor': {
        'name': 'g.tiny', 'ram': 128, 'vcpus': 1, 'disk': 1}})
    assert status == 200, flavor
    status, server = api.post('/v2.1/servers', {'server': {
        'name': 'from-glance', 'imageRef': image['id'],
        'flavorRef': flavor['flavor']['id']}})
    assert status == 202, server
    server_id = server['server']['id']

    def active():
        _, body = api.get('/v2.1/servers/%s' % server_id)
        status = body['server']['status']
        if status == 'ERROR':
            services.fail('server went to ERROR: %s' % body)
        return status == 'ACTIVE'
    wait_for(active, 120, check=services.check_alive)
