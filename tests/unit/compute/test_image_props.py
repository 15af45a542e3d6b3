"""What a server create takes from its image: Nova's checks and the
system metadata copied from it."""
import pytest

from nova.compute import image_props
from nova import exception
from nova import objects

GiB = 1024 ** 3
objects.register_all()


def _flavor(ram=512, disk=1):
    return objects.Flavor(memory_mb=ram, root_gb=disk)


def _image(**kw):
    image = {'id': 'img-1', 'status': 'active', 'min_ram': 0, 'min_disk': 0,
             'size': 100, 'disk_format': 'qcow2', 'container_format': 'bare',
             'properties': {}}
    image.update(kw)
    return image


def test_an_active_image_that_fits_passes():
    image_props.check_image_for_flavor(_image(min_ram=512, min_disk=1,
                                              size=GiB), _flavor())


@pytest.mark.parametrize('status', ['queued', 'saving', 'killed',
                                    'deactivated'])
def test_an_image_not_active_is_400(status):
    with pytest.raises(exception.ImageNotActive) as err:
        image_props.check_image_for_flavor(_image(status=status), _flavor())
    assert err.value.code == 400
    assert err.value.format_message() == 'Image img-1 is not active.'


def test_ram_below_min_ram_is_400():
    with pytest.raises(exception.FlavorMemoryTooSmall) as err:
        image_props.check_image_for_flavor(_image(min_ram=1024), _flavor())
    assert err.value.format_message() == \
        "Flavor's memory is too small for requested image."


def test_disk_below_min_disk_is_400_in_bytes():
    with pytest.raises(exception.FlavorDiskSmallerThanMinDisk) as err:
        image_props.check_image_for_flavor(_image(min_disk=2), _flavor())
    assert err.value.format_message() == (
        "Flavor's disk is smaller than the minimum size specified in image "
        "metadata. Flavor disk is %d bytes, minimum size is %d bytes."
        % (GiB, 2 * GiB))


def test_image_larger_than_disk_is_400():
    with pytest.raises(exception.FlavorDiskSmallerThanImage) as err:
        image_props.check_image_for_flavor(_image(size=GiB + 1), _flavor())
    assert err.value.code == 400


def test_zero_disk_flavor_skips_size_checks_when_allowed():
    image_props.check_image_for_flavor(
        _image(min_disk=50, size=40 * GiB), _flavor(disk=0),
        zero_disk_allowed=True)


def test_zero_disk_flavor_is_403_when_not_allowed():
    with pytest.raises(
            exception.BootFromVolumeRequiredForZeroDiskFlavor) as err:
        image_props.check_image_for_flavor(_image(), _flavor(disk=0),
                                           zero_disk_allowed=False)
    assert err.value.code == 403


def test_min_ram_is_checked_before_the_zero_disk_rule():
    with pytest.raises(exception.FlavorMemoryTooSmall):
        image_props.check_image_for_flavor(
            _image(min_ram=4096), _flavor(disk=0), zero_disk_allowed=False)


def test_system_metadata_copies_properties_and_core_attributes():
    image = _image(min_ram=64, min_disk=1, properties={
        'os_distro': 'cirros', 'hw_disk_bus': 'virtio',
        'img_signature': 'sig', 'long': 'x' * 300, 'none': None})
    sysmeta = image_props.system_metadata(image, _flavor(disk=5))
    assert sysmeta == {
        'image_os_distro': 'cirros', 'image_hw_disk_bus': 'virtio',
        'image_long': 'x' * 255, 'image_min_ram': '64',
        'image_min_disk': '5', 'image_disk_format': 'qcow2',
        'image_container_format': 'bare', 'image_base_image_ref': 'img-1'}


def test_min_disk_keeps_the_image_s_when_larger_or_zero_disk():
    assert image_props.system_metadata(
        _image(min_disk=3), _flavor(disk=0))['image_min_disk'] == '3'


def test_request_spec_properties_are_strings():
    assert image_props.request_spec_properties(_image(properties={
        'hw_cpu_cores': 2, 'os_type': 'linux', 'gone': None})) == {
        'hw_cpu_cores': '2', 'os_type': 'linux'}


def test_image_id_of_a_url():
    assert image_props.image_id_of('http://x/images/abc/') == 'abc'
    assert image_props.image_id_of('abc') == 'abc'
