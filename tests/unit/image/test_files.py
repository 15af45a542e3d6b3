"""The store's data files: temp files, commit, crash clean-up."""
import os
import subprocess
import sys

import pytest

from nova.image import data
from nova.image.store import files


@pytest.fixture
def store(tmp_path):
    return files.DataFiles(str(tmp_path / 'images'))


def _incoming(store):
    return os.listdir(store.incoming)


def test_receive_then_commit(store):
    digest = data.Digest()
    tmp = store.reserve('img')
    assert store.uploading() == {'img'}
    store.receive(tmp, [b'abc', b'', b'def'], digest, limit=100)
    assert os.path.dirname(tmp) == store.incoming and not store.exists('img')
    store.commit(tmp, 'img')
    assert store.exists('img') and _incoming(store) == []
    assert b''.join(store.read('img')) == b'abcdef' and digest.size == 6


def test_receive_removes_its_temp_file_on_failure(store):
    def chunks():
        yield b'abc'
        raise ConnectionResetError()
    with pytest.raises(ConnectionResetError):
        store.receive(store.reserve('img'), chunks(), data.Digest(),
                      limit=100)
    assert _incoming(store) == []


def test_receive_stops_past_the_limit(store):
    with pytest.raises(files.TooLarge):
        store.receive(store.reserve('img'), [b'x' * 60, b'x' * 60],
                      data.Digest(), limit=100)
    assert _incoming(store) == []


def test_reading_an_image_without_a_file_gives_nothing(store):
    assert list(store.read('none')) == []


def _dead_pid():
    proc = subprocess.Popen([sys.executable, '-c', 'pass'])
    proc.wait()
    return proc.pid


def test_clean_incoming_removes_only_dead_uploads(store):
    dead = 'a.%s.%d.x.part' % (files._HOST, _dead_pid())
    live = 'b.%s.%d.x.part' % (files._HOST, os.getpid())
    remote = 'c.otherhost.1.x.part'
    for name in (dead, live, remote, 'unrelated'):
        open(os.path.join(store.incoming, name), 'wb').close()
    assert store.uploading() == {'b', 'c'}
    store.clean_incoming()
    assert sorted(_incoming(store)) == sorted([live, remote, 'unrelated'])
