"""Image pre-caching on a compute host: each image's answer, the cache
entry a pre-cache leaves and how the cleanup treats it, and the fake
driver's record."""
import os
import time
import uuid

import pytest

from nova.compute import image_cache
from nova.compute import manager
from nova import conf as nova_conf
from nova import exception
from nova.virt import driver as virt_driver
from nova.virt import fake
from tests.unit.compute.test_image_cache import FakeImageFacade


class Images:
    """The image facade's get(): metadata of known ids."""

    def __init__(self, *ids):
        self.known = {i: {'id': i} for i in ids}

    def get(self, context, image_id):
        try:
            return self.known[image_id]
        except KeyError:
            raise exception.ImageNotFound(image_id=image_id)


class CachingDriver(virt_driver.ImageCacheCapable):
    def __init__(self, fail=()):
        self.cached = set()
        self.fail = fail

    def cache_image(self, context, image_meta):
        if image_meta['id'] in self.fail:
            raise exception.ImageDataMismatch(image_id=image_meta['id'],
                                              reason='bad bytes')
        if image_meta['id'] == 'crash':
            raise RuntimeError('driver bug')
        new = image_meta['id'] not in self.cached
        self.cached.add(image_meta['id'])
        return new


class NoCacheDriver:
    """A driver without the image cache capability."""


def test_each_image_gets_its_own_answer():
    driver = CachingDriver(fail={'bad'})
    driver.cached.add('old')
    images = Images('new', 'old', 'bad', 'crash')
    results = manager.precache_images(
        None, driver, images, ['new', 'old', 'bad', 'missing', 'crash'])
    assert results == {'new': 'cached', 'old': 'existing', 'bad': 'error',
                       'missing': 'error', 'crash': 'error'}


def test_a_driver_without_an_image_cache_answers_unsupported():
    results = manager.precache_images(None, NoCacheDriver(), Images('a'),
                                      ['a', 'b'])
    assert results == {'a': 'unsupported', 'b': 'unsupported'}


@pytest.fixture
def conf(tmp_path):
    return nova_conf.build_conf(overrides={
        'state_path': str(tmp_path),
        'image_cache.remove_unused_original_minimum_age_seconds': 3600})


def test_ensure_says_whether_it_downloaded_and_restarts_the_age(conf):
    facade = FakeImageFacade()
    cache = image_cache.ImageCache(conf, facade)
    meta = facade.add('img', b'x' * 100)
    path, new = cache.ensure(None, meta)
    assert new is True and open(path, 'rb').read() == b'x' * 100
    old = time.time() - 7200
    os.utime(path, (old, old))
    assert cache.ensure(None, meta) == (path, False)
    assert facade.downloads == ['img']
    assert time.time() - os.stat(path).st_mtime < 60


def test_the_cleanup_keeps_a_pre_cached_image_for_the_minimum_age(conf):
    """No instance uses a pre-cached image yet: it is kept as long as any
    entry fetched now, then removed like any unused one."""
    facade = FakeImageFacade()
    cache = image_cache.ImageCache(conf, facade)
    path, _ = cache.ensure(None, facade.add('pre', b'y' * 10))
    report = cache.cleanup(used_image_ids=[])
    assert report.too_young == ['pre'] and os.path.exists(path)
    old = time.time() - 3601
    os.utime(path, (old, old))
    assert cache.cleanup(used_image_ids=[]).removed == ['pre']


def test_the_fake_driver_records_without_downloading(tmp_path):
    conf = nova_conf.build_conf(overrides={
        'state_path': str(tmp_path), 'compute_driver': 'fake',
        'transport_url': 'fake://%s/' % uuid.uuid4().hex, 'host': 'fh1'})
    drv = fake.FakeDriver(conf)
    assert virt_driver.supports(drv, 'image_cache')
    assert drv.cache_image(None, {'id': 'i1'}) is True
    assert drv.cache_image(None, {'id': 'i1'}) is False
    assert fake.cached_images(conf.transport_url, 'fh1') == {'i1'}
    assert fake.cached_images(conf.transport_url, 'other') == set()
    # Kept across a restart of the compute service, as a disk would be.
    assert fake.FakeDriver(conf).cache_image(None, {'id': 'i1'}) is False
    assert not os.path.exists(os.path.join(str(tmp_path), 'instances'))
