"""The whole stack boots servers from images uploaded through /image."""
import uuid

from tests.functional.test_image_api import assert_error
from tests.functional.test_image_api import ImageClient


def test_boot_a_server_from_an_uploaded_private_image(nova_stack, nova_api):
    project = 'p-boot-%s' % uuid.uuid4().hex[:6]
    images = ImageClient(nova_stack.app).as_user('alice', project)
    image = images.create_active(b'\0' * 4096, name='bootable', min_ram=64,
                                 visibility='private')
    user = nova_api.as_user('alice', project)
    flavor = nova_api.create_flavor(ram=128, disk=1)
    server = user.create_server(flavor['id'], image=image['id'])
    active = user.wait_for_status(server['id'], 'ACTIVE')
    assert active['image']['id'] == image['id']
    # Another project cannot boot from it: the image is not found (400 in
    # the compute API once imageRef validation maps it, 404 before).
    other = nova_api.as_user('bob', 'p-boot-other')
    resp = other.post('/servers', {'server': {
        'name': 'x', 'flavorRef': flavor['id'], 'imageRef': image['id']}})
    assert resp.status_int in (400, 404), resp.text
    assert_error(ImageClient(nova_stack.app).as_user('bob', 'p-boot-other')
                 .call('GET', '/v2/images/%s' % image['id']), 404)
