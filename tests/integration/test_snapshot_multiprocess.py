"""createImage with nova-compute in its own process.

The compute never opens a database: it reaches the built-in image store
through the Image API v2 that nova-api serves under ``/image`` (the
``[glance]`` client options), and uploads the snapshot there with the
user's token. nova-api, nova-conductor, nova-scheduler and two
nova-compute (fake driver) run over a fresh RabbitMQ vhost and fresh
MariaDB databases.
"""
import time

import pytest

from .conftest import ApiClient, free_port, wait_api_up, wait_for
from .test_multiprocess import (create_flavor, start_deployment,
                                wait_computes_ready, write_conf)

pytestmark = pytest.mark.integration


def _wait_image_active(api, image_id, services, timeout=90):
    def active():
        status, body = api.get('/image/v2/images/%s' % image_id)
        if status == 200 and body['status'] == 'active':
            return body
        if status == 404:
            services.fail('snapshot %s was deleted: the upload failed'
                          % image_id)
        return None
    return wait_for(active, timeout, check=services.check_alive,
                    on_timeout=lambda _: services.fail(
                        'snapshot %s not active within %ss'
                        % (image_id, timeout)))


def _wait_server(api, server_id, services, idle=False, timeout=120):
    def ready():
        status, body = api.get('/v2.1/servers/%s' % server_id)
        server = body.get('server', {}) if status == 200 else {}
        if server.get('status') == 'ERROR':
            services.fail('server %s went to ERROR: %s'
                          % (server_id, server.get('fault')))
        if server.get('status') == 'ACTIVE' and (
                not idle or server.get('OS-EXT-STS:task_state') is None):
            return server
        return None
    return wait_for(ready, timeout, check=services.check_alive,
                    on_timeout=lambda _: services.fail(
                        'server %s not ACTIVE within %ss'
                        % (server_id, timeout)))


@pytest.mark.parametrize('databases', ['mysql'], indirect=True)
def test_snapshot_from_a_separate_compute(rabbit_vhost, databases, services,
                                          tmp_path):
    databases.create('api', 'cell1', 'cell1_cell0')
    port = free_port()
    conf = write_conf(tmp_path / 'nova.conf', rabbit_vhost,
                      databases.url('api'), databases.url('cell1'), port,
                      tmp_path / 'state')
    # Computes reach the store behind nova-api's /image; their own calls
    # (none in this test) would use the admin token of noauth2.
    conf.write_text(conf.read_text() + (
        '\n[glance]\nendpoint_override = http://127.0.0.1:%d/image\n'
        'auth_type = admin_token\nendpoint = http://127.0.0.1:%d/image\n'
        'token = admin:admin\n' % (port, port)))
    start_deployment(services, conf, tmp_path)
    admin = ApiClient(port)
    wait_api_up(admin, services)
    wait_computes_ready(admin, services, conf, databases.url('api'))
    flavor = create_flavor(admin, services)

    demo = ApiClient(port, token='demo:demo-project')
    status, body = demo.post('/v2.1/servers', {'server': {
        'name': 'snapped', 'flavorRef': flavor,
        'imageRef': '70a599e0-31e7-49b7-b260-868f441e862b'}})
    assert status == 202, body
    server = _wait_server(demo, body['server']['id'], services)

    started = time.monotonic()
    status, body = demo.request(
        'POST', '/v2.1/servers/%s/action' % server['id'],
        {'createImage': {'name': 'mp-snap', 'metadata': {'k': 'v'}}},
        headers={'OpenStack-API-Version': 'compute 2.45'})
    assert status == 202, body
    image = _wait_image_active(demo, body['image_id'], services)
    print('snapshot active after %.1fs' % (time.monotonic() - started))
    assert image['owner'] == 'demo-project'
    assert image['instance_uuid'] == server['id']
    assert image['k'] == 'v' and image['size'] > 0
    _wait_server(demo, server['id'], services, idle=True)

    status, body = demo.post('/v2.1/servers', {'server': {
        'name': 'from-snap', 'flavorRef': flavor,
        'imageRef': image['id']}})
    assert status == 202, body
    _wait_server(demo, body['server']['id'], services)
    services.check_alive()
