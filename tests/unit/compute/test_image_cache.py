"""The compute host image cache, against a fake image facade at the edge."""
import hashlib
import json
import os
import threading
import time

import pytest

from nova.compute import image_cache
from nova import conf as nova_conf
from nova import exception


class FakeImageFacade:
    """The facade's download(ctx, image_id): chunks of stored bytes."""

    def __init__(self):
        self.data = {}
        self.downloads = []
        self.gate = None  # a threading.Event downloads wait on

    def add(self, image_id, payload, **meta_overrides):
        self.data[image_id] = payload
        meta = {'id': image_id, 'size': len(payload),
                'checksum': hashlib.md5(payload).hexdigest(),
                'os_hash_algo': 'sha512',
                'os_hash_value': hashlib.sha512(payload).hexdigest()}
        meta.update(meta_overrides)
        return meta

    def download(self, context, image_id):
        self.downloads.append(image_id)
        if self.gate is not None:
            self.gate.wait(10)
        payload = self.data[image_id]
        for start in range(0, len(payload), 7):
            yield payload[start:start + 7]


@pytest.fixture
def conf(tmp_path):
    return nova_conf.build_conf(overrides={'state_path': str(tmp_path)})


@pytest.fixture
def facade():
    return FakeImageFacade()


@pytest.fixture
def cache(conf, facade):
    return image_cache.ImageCache(conf, facade)


def _age(path, seconds):
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_fetch_downloads_once_under_instances_path_base(cache, facade,
                                                        tmp_path):
    meta = facade.add('11111111-2222-3333-4444-555555555555', b'x' * 100)
    first = cache.fetch(None, meta)
    second = cache.fetch(None, meta)
    assert first == second == str(
        tmp_path / 'instances' / '_base' / meta['id'])
    assert open(first, 'rb').read() == b'x' * 100
    assert facade.downloads == [meta['id']]


def test_size_mismatch_caches_nothing(cache, facade):
    meta = facade.add('img-a', b'abc', size=4)
    with pytest.raises(exception.ImageDataMismatch):
        cache.fetch(None, meta)
    assert not os.path.exists(cache.path_for('img-a'))
    assert os.listdir(cache.base_dir) == ['.locks']


def test_hash_mismatch_caches_nothing(cache, facade):
    meta = facade.add('img-b', b'abc', os_hash_value='0' * 128)
    with pytest.raises(exception.ImageDataMismatch) as err:
        cache.fetch(None, meta)
    assert 'sha512' in err.value.format_message()
    assert cache.cached_entries() == []


def test_checksum_alone_is_verified(cache, facade):
    meta = facade.add('img-c', b'abc', os_hash_algo=None,
                      os_hash_value=None, checksum='f' * 32)
    with pytest.raises(exception.ImageDataMismatch):
        cache.fetch(None, meta)
    good = facade.add('img-d', b'abc', os_hash_algo=None, os_hash_value=None)
    assert open(cache.fetch(None, good), 'rb').read() == b'abc'


def test_convert_runs_once_on_verified_data(cache, facade):
    calls = []

    def to_upper(src, dest):
        calls.append(src)
        with open(src, 'rb') as s, open(dest, 'wb') as d:
            d.write(s.read().upper())

    meta = facade.add('img-e', b'raw data')
    path = cache.fetch(None, meta, convert=to_upper)
    cache.fetch(None, meta, convert=to_upper)
    assert open(path, 'rb').read() == b'RAW DATA'
    assert len(calls) == 1
    assert cache.cached_entries() == ['img-e']
    assert [n for n in os.listdir(cache.base_dir) if n.endswith('.part')] \
        == []


def test_failed_convert_leaves_nothing(cache, facade):
    def broken(src, dest):
        open(dest, 'wb').write(b'half')
        raise RuntimeError('qemu-img failed')

    meta = facade.add('img-f', b'data')
    with pytest.raises(RuntimeError):
        cache.fetch(None, meta, convert=broken)
    assert sorted(os.listdir(cache.base_dir)) == ['.locks']


def test_concurrent_fetches_of_one_image_download_once(cache, facade):
    meta = facade.add('img-g', b'y' * 1000)
    facade.gate = threading.Event()
    results = []
    threads = [threading.Thread(
        target=lambda: results.append(cache.fetch(None, meta)))
        for _ in range(4)]
    for t in threads:
        t.start()
    facade.gate.set()
    for t in threads:
        t.join(10)
    assert len(results) == 4 and len(set(results)) == 1
    assert facade.downloads == ['img-g']


def test_odd_image_ids_cannot_escape_the_directory(cache):
    path = cache.path_for('../../etc/passwd')
    assert os.path.dirname(path) == cache.base_dir
    assert not os.path.basename(path).startswith('.')


def test_cleanup_removes_only_old_unused_entries(cache, facade, conf):
    old_unused = cache.fetch(None, facade.add('old-unused', b'1'))
    old_used = cache.fetch(None, facade.add('old-used', b'2'))
    young = cache.fetch(None, facade.add('young', b'3'))
    day = conf.image_cache.remove_unused_original_minimum_age_seconds
    _age(old_unused, day + 10)
    _age(old_used, day + 10)
    _age(young, day - 100)
    report = cache.cleanup(['old-used', None])
    assert report.removed == ['old-unused']
    assert report.in_use == ['old-used']
    assert report.too_young == ['young']
    assert cache.cached_entries() == ['old-used', 'young']
    # In use means used now: its age starts again.
    assert time.time() - os.stat(old_used).st_mtime < 60


def test_cleanup_only_reports_when_removal_is_disabled(cache, facade, conf):
    conf.set_override('remove_unused_base_images', False, 'image_cache')
    path = cache.fetch(None, facade.add('unused', b'1'))
    _age(path, 10 ** 6)
    report = cache.cleanup([])
    assert report.kept_by_config == ['unused'] and report.removed == []
    assert os.path.exists(path)


def test_cleanup_removes_stale_partial_downloads(cache, conf):
    os.makedirs(cache.base_dir)
    stale = os.path.join(cache.base_dir, '.img.abc.part')
    fresh = os.path.join(cache.base_dir, '.img.def.part')
    for path in (stale, fresh):
        open(path, 'wb').write(b'half')
    _age(stale, conf.image_cache.remove_partial_download_age_seconds + 1)
    report = cache.cleanup([])
    assert report.partials_removed == ['.img.abc.part']
    assert os.path.exists(fresh) and not os.path.exists(stale)


def test_cleanup_of_a_missing_directory_is_empty(cache):
    assert cache.cleanup(['x']) == image_cache.CleanupReport()


def test_refetch_after_removal_downloads_again(cache, facade):
    meta = facade.add('again', b'abc')
    path = cache.fetch(None, meta)
    _age(path, 10 ** 6)
    assert cache.cleanup([]).removed == ['again']
    assert cache.fetch(None, meta) == path
    assert facade.downloads == ['again', 'again']


def test_storage_users_of_a_shared_directory(cache, conf, facade):
    assert cache.storage_users('host-a') == ['host-a']
    other = image_cache.ImageCache(conf, facade)
    assert other.storage_users('host-b') == ['host-a', 'host-b']
    users_file = os.path.join(cache.base_dir, '.storage_users')
    stale = {'host-a': time.time() - image_cache.STORAGE_USER_MAX_AGE - 1,
             'host-b': time.time()}
    with open(users_file, 'w') as f:
        json.dump(stale, f)
    assert cache.storage_users('host-c') == ['host-b', 'host-c']
    assert cache.cached_entries() == []


def test_storage_users_survive_a_corrupt_file(cache):
    os.makedirs(cache.base_dir)
    with open(os.path.join(cache.base_dir, '.storage_users'), 'w') as f:
        f.write('{not json')
    assert cache.storage_users('h') == ['h']


def test_instances_path_is_absolute_for_a_relative_state_path(
        tmp_path, monkeypatch):
    # Regression: tools/run.sh runs with state_path ./var; a relative
    # _base path made qcow2 overlays look for their backing file relative
    # to the overlay's own directory, and every libvirt boot failed.
    monkeypatch.chdir(tmp_path)
    conf = nova_conf.build_conf([], overrides={'state_path': './var'})
    path = image_cache.instances_path(conf)
    assert os.path.isabs(path)
    assert path == str(tmp_path / 'var' / 'instances')
