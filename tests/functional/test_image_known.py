"""[image] known_images: the images the built-in store seeds."""
import hashlib

from tests.functional.test_image_api import ImageClient
from tests.functional.test_image_api import ImageStack


def test_known_images_with_and_without_a_file(tmp_path):
    """[image] known_images: data copied in from file=, a missing file
    leaves the image queued (and the API working)."""
    disk = tmp_path / 'disk.img'
    disk.write_bytes(b'known data')
    stack = ImageStack(tmp_path / 'state', **{'image.known_images': [
        '11111111-1111-1111-1111-111111111111:with-file:file=%s,'
        'os_distro=cirros' % disk,
        '22222222-2222-2222-2222-222222222222:missing:file=%s'
        % (tmp_path / 'nope'),
        '33333333-3333-3333-3333-333333333333:empty:visibility=private']})
    try:
        images = ImageClient(stack.app)
        with_file = images.show('11111111-1111-1111-1111-111111111111')
        assert with_file['status'] == 'active' and with_file['size'] == 10
        assert with_file['checksum'] == hashlib.md5(b'known data').hexdigest()
        assert with_file['os_distro'] == 'cirros'
        assert images.show('22222222-2222-2222-2222-222222222222')[
            'status'] == 'queued'
        empty = images.show('33333333-3333-3333-3333-333333333333')
        assert empty['status'] == 'active' and empty['size'] == 0
        assert empty['visibility'] == 'private'
    finally:
        stack.stop()
