"""The compute host image cache against the built-in image store, and the
compute's periodic cleanup of it."""
import os
import time
import uuid

import pytest

from nova.compute import image_cache
from nova import context as nova_context
from nova import exception
from nova.image import api as image_api
from tests.functional import conftest
from tests.functional import image_helpers

DATA = image_helpers.QCOW2_MAGIC + bytes(range(256)) * 64


@pytest.fixture(scope='module')
def nova_stack(tmp_path_factory):
    # Every tick of the compute's periodic tasks cleans, and an entry no
    # instance uses is removed at once.
    stack = conftest.Stack(
        tmp_path_factory.mktemp('nova'),
        **{'image_cache.manager_interval': 0,
           'image_cache.remove_unused_original_minimum_age_seconds': 0,
           'periodic_interval': 1})
    yield stack
    stack.stop()


@pytest.fixture
def project():
    return 'cache-%s' % uuid.uuid4().hex[:6]


@pytest.fixture
def alice(nova_api, project):
    return nova_api.as_user('alice', project)


@pytest.fixture
def ctx(project):
    return nova_context.RequestContext(user_id='alice', project_id=project,
                                       roles=['member', 'reader'])


def _cache(stack, tmp_path):
    return image_cache.ImageCache(stack.conf, image_api.API(stack.conf),
                                  base_dir=str(tmp_path / '_base'))


def test_fetch_from_the_store_verifies_and_shares(nova_stack, alice, ctx,
                                                  tmp_path):
    image = image_helpers.create_image(alice, 'cached', DATA)
    facade = image_api.API(nova_stack.conf)
    cache = _cache(nova_stack, tmp_path)
    meta = facade.get(ctx, image['id'])
    path = cache.fetch(ctx, meta)
    assert open(path, 'rb').read() == DATA
    inode = os.stat(path).st_ino
    assert cache.fetch(ctx, meta) == path
    assert os.stat(path).st_ino == inode


def test_data_changed_in_the_store_is_refused(nova_stack, alice, ctx,
                                              tmp_path):
    image = image_helpers.create_image(alice, 'tampered', DATA)
    facade = image_api.API(nova_stack.conf)
    meta = facade.get(ctx, image['id'])
    stored = os.path.join(nova_stack.conf.image.images_path, image['id'])
    with open(stored, 'r+b') as f:
        f.seek(100)
        f.write(b'\xff\xff')
    cache = _cache(nova_stack, tmp_path)
    with pytest.raises(exception.ImageDataMismatch):
        cache.fetch(ctx, meta)
    assert cache.cached_entries() == []


def test_periodic_cleanup_keeps_only_what_instances_use(nova_stack, alice,
                                                        ctx):
    used = image_helpers.create_image(alice, 'used', DATA)
    unused = image_helpers.create_image(alice, 'unused', DATA)
    flavor = conftest.ApiClient(nova_stack.app).create_flavor()
    server = alice.create_server(flavor['id'], image=used['id'])
    alice.wait_for_status(server['id'], 'ACTIVE')
    facade = image_api.API(nova_stack.conf)
    cache = image_cache.ImageCache(nova_stack.conf, facade)
    for image in (used, unused):
        cache.fetch(ctx, facade.get(ctx, image['id']))
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and unused['id'] in \
            cache.cached_entries():
        time.sleep(0.1)
    entries = cache.cached_entries()
    assert unused['id'] not in entries
    assert used['id'] in entries
    users = cache.storage_users('probe')
    assert set(conftest.COMPUTE_HOSTS) <= set(users)
