"""Image pre-caching (2.81) on a real libvirt compute: the test image set
(root disk, kernel, ramdisk) lands in the host's ``_base`` directory, the
root converted to qcow2, with no guest booted.

Uses the stack and image of test_libvirt_guests (skips as it does).
"""
import os
import time
import uuid

import pytest

from nova.virt.libvirt import storage
from tests.integration.test_libvirt_guests import api  # noqa: F401
from tests.integration.test_libvirt_guests import HOST
from tests.integration.test_libvirt_guests import image_id  # noqa: F401
from tests.integration.test_libvirt_guests import manifest  # noqa: F401
from tests.integration.test_libvirt_guests import stack  # noqa: F401

pytestmark = pytest.mark.integration


def _wait_for(path, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if os.path.exists(path):
            return
        time.sleep(0.2)
    raise AssertionError('%s never appeared' % path)


def test_precache_fills_the_base_directory(stack, api, image_id):
    image = api.get('/image/v2/images/%s' % image_id).json
    base = os.path.join(stack.conf.instances_path, '_base')
    agg = api.post('/os-aggregates', {'aggregate': {
        'name': 'lv-' + uuid.uuid4().hex[:6]}}).json['aggregate']
    assert api.post('/os-aggregates/%s/action' % agg['id'],
                    {'add_host': {'host': HOST}}).status_int == 200
    resp = api.post('/os-aggregates/%s/images' % agg['id'],
                    {'cache': [{'id': image_id}]}, microversion='2.81')
    assert resp.status_int == 202, resp.text
    for part in (image['kernel_id'], image['ramdisk_id'], image_id):
        _wait_for(os.path.join(base, part))
    assert storage.info(os.path.join(base, image_id))['format'] == 'qcow2'
