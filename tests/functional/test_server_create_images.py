"""imageRef at server create, checked through the image service as Nova
does, and the image's properties kept with the instance."""
import uuid

import pytest

from tests.functional import image_helpers

DATA = image_helpers.QCOW2_MAGIC + b'\0' * 2044


@pytest.fixture
def alice(nova_api):
    return nova_api.as_user('alice', 'img-a-%s' % uuid.uuid4().hex[:6])


@pytest.fixture(scope='module')
def flavors(nova_stack):
    from tests.functional import conftest
    admin = conftest.ApiClient(nova_stack.app)
    return {'small': admin.create_flavor(ram=256, disk=1),
            'zero': admin.create_flavor(ram=256, disk=0)}


def _create(client, flavor, image_id, **extra):
    return client.post('/servers', {'server': dict(
        {'name': 'vm', 'flavorRef': flavor['id'], 'imageRef': image_id},
        **extra)})


def _message(resp, code=400):
    assert resp.status_int == code, resp.text
    return next(iter(resp.json.values()))['message']


def test_unknown_image_is_400(alice, flavors):
    resp = _create(alice, flavors['small'], str(uuid.uuid4()))
    assert _message(resp) == 'Can not find requested image'


def test_another_project_s_private_image_is_400(alice, nova_api, flavors):
    other = nova_api.as_user('carol', 'img-c-%s' % uuid.uuid4().hex[:6])
    private = image_helpers.create_image(other, 'carols', DATA)
    resp = _create(alice, flavors['small'], private['id'])
    assert _message(resp) == 'Can not find requested image'


def test_image_not_active_is_400(alice, flavors):
    queued = image_helpers.create_image(alice, 'queued')
    resp = _create(alice, flavors['small'], queued['id'])
    assert _message(resp) == 'Image %s is not active.' % queued['id']


def test_min_ram_above_flavor_is_400(alice, flavors):
    image = image_helpers.create_image(alice, 'big-ram', DATA, min_ram=1024)
    resp = _create(alice, flavors['small'], image['id'])
    assert _message(resp) == \
        "Flavor's memory is too small for requested image."


def test_min_disk_above_flavor_is_400(alice, flavors):
    image = image_helpers.create_image(alice, 'big-disk', DATA, min_disk=2)
    resp = _create(alice, flavors['small'], image['id'])
    assert _message(resp) == (
        "Flavor's disk is smaller than the minimum size specified in image "
        "metadata. Flavor disk is 1073741824 bytes, minimum size is "
        "2147483648 bytes.")


def test_zero_disk_flavor_is_403_for_members_and_fine_for_admins(
        alice, nova_api, flavors):
    image = image_helpers.create_image(nova_api, 'zd', DATA, min_disk=5,
                                       visibility='public')
    resp = _create(alice, flavors['zero'], image['id'])
    assert _message(resp, 403) == \
        'Only volume-backed servers are allowed for flavors with zero disk.'
    # openstackclient's local image mapping is not a volume either.
    resp = _create(alice, flavors['zero'], image['id'],
                   block_device_mapping_v2=[{
                       'uuid': image['id'], 'boot_index': 0,
                       'source_type': 'image', 'destination_type': 'local',
                       'delete_on_termination': True}])
    assert resp.status_int == 403, resp.text
    # An admin may; min_disk is not checked against a zero disk.
    assert _create(nova_api, flavors['zero'], image['id']).status_int == 202


def test_zero_disk_rule_comes_after_the_image_checks(alice, flavors):
    resp = _create(alice, flavors['zero'], str(uuid.uuid4()))
    assert _message(resp) == 'Can not find requested image'


def test_missing_image_ref_is_400(alice, flavors):
    resp = alice.post('/servers', {'server': {
        'name': 'vm', 'flavorRef': flavors['small']['id']}})
    assert _message(resp) == 'Missing imageRef attribute'


def test_image_properties_kept_with_the_instance(alice, flavors):
    image = image_helpers.create_image(alice, 'props', DATA, min_ram=64,
                                       os_distro='cirros',
                                       hw_disk_bus='virtio')
    resp = _create(alice, flavors['small'], image['id'])
    assert resp.status_int == 202, resp.text
    server = alice.get('/servers/%s' % resp.json['server']['id'],
                       microversion='2.98').json['server']
    assert server['image']['id'] == image['id']
    props = server['image']['properties']
    assert props['os_distro'] == 'cirros'
    assert props['hw_disk_bus'] == 'virtio'
    assert props['base_image_ref'] == image['id']
    assert props['min_ram'] == '64' and props['min_disk'] == '1'
    assert props['disk_format'] == 'qcow2'
