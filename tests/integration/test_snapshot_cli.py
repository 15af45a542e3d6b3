"""Snapshots with openstackclient against a real nova-all process.

Upload a qcow2 with ``openstack image create``, boot a server from it on
the fake driver, snapshot it with ``openstack server image create --wait``
(at the latest microversion and at 2.1, which reads the Location header),
boot a second server from the snapshot; a second project neither sees the
snapshot nor boots from it. nova-all runs on SQLite and the fake://
transport: no RabbitMQ or database server is needed.
"""
import json
import os
import shutil
import subprocess

import pytest

from tests.integration.conftest import ApiClient
from tests.integration.conftest import BIN
from tests.integration.conftest import free_port
from tests.integration.conftest import wait_api_up


def _repo_file(*parts):
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.join(os.path.dirname(os.path.dirname(here)), *parts)


@pytest.fixture
def osc(services, tmp_path):
    port = free_port()
    state = tmp_path / 'state'
    state.mkdir()
    conf = tmp_path / 'nova-all.conf'
    conf.write_text('[DEFAULT]\nstate_path = %s\n[wsgi]\nport = %d\n'
                    % (state, port))
    services.start('nova-all', 'nova-all', '--config-file', str(conf))
    wait_api_up(ApiClient(port), services, timeout=120)
    with open(_repo_file('etc', 'clouds.yaml')) as f:
        clouds = f.read().replace(':8774/', ':%d/' % port)
    # A third cloud: another project's member.
    clouds += clouds[clouds.index('  nova-embedded-demo:'):].split(
        '\n  nova-embedded-placement:')[0].replace(
        'nova-embedded-demo:', 'nova-embedded-eve:').replace(
        'demo:demo', 'eve:other')
    (tmp_path / 'clouds.yaml').write_text(clouds)
    env = {k: v for k, v in os.environ.items() if not k.startswith('OS_')}
    env['OS_CLIENT_CONFIG_FILE'] = str(tmp_path / 'clouds.yaml')

    def run(*args, cloud='nova-embedded-demo', check=True):
        argv = [str(BIN / 'openstack'), '--os-cloud', cloud, *args]
        done = subprocess.run(argv, capture_output=True, text=True, env=env,
                              timeout=300, stdin=subprocess.DEVNULL)
        services.commands.append((argv, done.returncode,
                                  done.stdout + done.stderr))
        if check and done.returncode:
            services.fail('openstack %s exited %d:\n%s' % (
                ' '.join(args), done.returncode, done.stdout + done.stderr))
        return done
    return run


def _json(done):
    return json.loads(done.stdout)


def test_boot_snapshot_boot_again(osc, tmp_path):
    disk = tmp_path / 'base.qcow2'
    if shutil.which('qemu-img'):
        subprocess.run(['qemu-img', 'create', '-q', '-f', 'qcow2', str(disk),
                        '64M'], check=True)
    else:
        disk.write_bytes(b'QFI\xfb' + b'\0' * 4092)
    base = _json(osc('image', 'create', '--file', str(disk), '--disk-format',
                     'qcow2', '--container-format', 'bare', '--property',
                     'os_distro=cirros', 'snap-base', '-f', 'json'))
    assert base['status'] == 'active'
    osc('flavor', 'create', '--ram', '256', '--disk', '1', '--vcpus', '1',
        'snap-flavor', cloud='nova-embedded')
    first = _json(osc('server', 'create', '--flavor', 'snap-flavor',
                      '--image', 'snap-base', '--wait', 'first', '-f',
                      'json'))
    assert first['status'] == 'ACTIVE'

    snap = _json(osc('server', 'image', 'create', '--name', 'first-snap',
                     '--wait', 'first', '-f', 'json'))
    assert snap['status'] == 'active' and snap['visibility'] == 'private'
    props = snap['properties']
    assert props['instance_uuid'] == first['id']
    assert props['image_type'] == 'snapshot'
    assert props['base_image_ref'] == base['id']
    assert props['os_distro'] == 'cirros'
    assert snap['min_disk'] == 1 and snap['size'] > 0

    old = _json(osc('--os-compute-api-version', '2.1', 'server', 'image',
                    'create', '--name', 'first-snap-2.1', '--wait', 'first',
                    '-f', 'json'))
    assert old['status'] == 'active'

    second = _json(osc('server', 'create', '--flavor', 'snap-flavor',
                       '--image', 'first-snap', '--wait', 'second', '-f',
                       'json'))
    assert second['status'] == 'ACTIVE'
    assert snap['id'] in json.dumps(second['image'])

    hidden = osc('image', 'show', snap['id'], cloud='nova-embedded-eve',
                 check=False)
    assert hidden.returncode != 0
    names = {i['Name'] for i in _json(osc('image', 'list', '-f', 'json',
                                          cloud='nova-embedded-eve'))}
    assert 'first-snap' not in names and 'cirros' in names
    refused = osc('server', 'create', '--flavor', 'snap-flavor', '--image',
                  snap['id'], 'thief', cloud='nova-embedded-eve',
                  check=False)
    assert refused.returncode != 0
