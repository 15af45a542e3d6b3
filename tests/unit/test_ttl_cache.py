"""nova.ttl_cache: entries expire, writes forget, the size is bounded."""
import pytest

from nova import ttl_cache


class Clock:
    """Stands in for the time module: monotonic() returns what we set."""

    def __init__(self):
        self.now = 1000.0

    def monotonic(self):
        return self.now


class Loader:
    """load() for TTLCache.get: returns value, counts its calls."""

    def __init__(self, value='v'):
        self.value = value
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return self.value


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(ttl_cache, 'time', clock)
    return clock


@pytest.fixture
def cache(clock):
    return ttl_cache.TTLCache()


def test_a_hit_within_ttl_does_not_load(cache, clock):
    load = Loader('first')
    assert cache.get('k', 10, load) == 'first'
    clock.now += 9.9
    load.value = 'second'
    assert cache.get('k', 10, load) == 'first'
    assert load.calls == 1


def test_an_expired_entry_is_loaded_again(cache, clock):
    load = Loader('first')
    cache.get('k', 10, load)
    clock.now += 10
    load.value = 'second'
    assert cache.get('k', 10, load) == 'second'
    assert cache.get('k', 10, load) == 'second'
    assert load.calls == 2


def test_keys_are_cached_apart(cache):
    assert cache.get('a', 10, Loader('A')) == 'A'
    assert cache.get('b', 10, Loader('B')) == 'B'
    assert cache.get('a', 10, Loader('other')) == 'A'


@pytest.mark.parametrize('ttl', [0, -1])
def test_ttl_zero_or_less_always_loads_and_bypasses_the_cache(cache, ttl):
    cache.get('k', 10, Loader('cached'))
    load = Loader('fresh')
    assert cache.get('k', ttl, load) == 'fresh'
    assert cache.get('k', ttl, load) == 'fresh'
    assert load.calls == 2
    # Nor does a ttl of 0 store what it loaded.
    uncached = Loader('x')
    cache.get('new', ttl, uncached)
    assert cache.get('new', 10, uncached) == 'x'
    assert uncached.calls == 2


def test_a_value_keep_refuses_is_returned_but_not_stored(cache):
    load = Loader('queued')
    keep = lambda value: value == 'active'  # noqa: E731
    assert cache.get('k', 10, load, keep=keep) == 'queued'
    assert cache.get('k', 10, load, keep=keep) == 'queued'
    assert load.calls == 2
    load.value = 'active'
    cache.get('k', 10, load, keep=keep)
    cache.get('k', 10, load, keep=keep)
    assert load.calls == 3


def test_a_failed_load_is_not_stored(cache):
    def fail():
        raise LookupError('gone')
    with pytest.raises(LookupError):
        cache.get('k', 10, fail)
    assert cache.get('k', 10, Loader('back')) == 'back'


def test_forget_drops_every_entry(cache):
    cache.get('a', 10, Loader())
    cache.get('b', 10, Loader())
    cache.forget()
    a, b = Loader(), Loader()
    cache.get('a', 10, a)
    cache.get('b', 10, b)
    assert (a.calls, b.calls) == (1, 1)


def test_forget_with_a_predicate_drops_only_matching_keys(cache):
    cache.get(('img1', 'p1'), 10, Loader())
    cache.get(('img1', 'p2'), 10, Loader())
    cache.get(('img2', 'p1'), 10, Loader())
    cache.forget(lambda key: key[0] == 'img1')
    loads = {key: Loader() for key in
             [('img1', 'p1'), ('img1', 'p2'), ('img2', 'p1')]}
    for key, load in loads.items():
        cache.get(key, 10, load)
    assert [load.calls for load in loads.values()] == [1, 1, 0]


def test_a_load_that_began_before_a_forget_is_not_stored(cache):
    # A write (and its forget) lands while a reader is loading the old
    # value: the reader gets its value, nobody else is served it later.
    def load_racing_a_write():
        cache.forget()
        return 'old'
    assert cache.get('k', 10, load_racing_a_write) == 'old'
    fresh = Loader('new')
    assert cache.get('k', 10, fresh) == 'new'
    assert fresh.calls == 1


def test_a_load_after_a_forget_is_stored(cache):
    cache.forget()
    cache.get('k', 10, Loader('v'))
    again = Loader('other')
    assert cache.get('k', 10, again) == 'v'
    assert again.calls == 0


def test_the_cache_never_holds_more_than_max_entries(clock):
    cache = ttl_cache.TTLCache(max_entries=3)
    for key in range(10):
        cache.get(key, 10, Loader(key))
    reloads = Loader()
    for key in range(10):
        cache.get(key, 10, reloads)
    assert reloads.calls >= 10 - 3


def test_the_cache_keeps_max_entries_when_not_full(clock):
    cache = ttl_cache.TTLCache(max_entries=3)
    for key in range(3):
        cache.get(key, 10, Loader(key))
    reloads = Loader()
    for key in range(3):
        assert cache.get(key, 10, reloads) == key
    assert reloads.calls == 0


def test_forgets_forgets_after_a_write_returns(cache):
    cache.get('k', 10, Loader('old'))

    @ttl_cache.forgets(cache)
    def write(value):
        return value * 2

    assert write(21) == 42
    assert cache.get('k', 10, Loader('new')) == 'new'


def test_forgets_forgets_even_when_the_write_raises(cache):
    cache.get('k', 10, Loader('old'))

    @ttl_cache.forgets(cache)
    def write():
        raise RuntimeError('half done')

    with pytest.raises(RuntimeError):
        write()
    assert cache.get('k', 10, Loader('new')) == 'new'


def test_forgets_forgets_after_the_write_not_before(cache):
    # What a read caches while the write runs is the old value: it must
    # be dropped when the write is done.
    @ttl_cache.forgets(cache)
    def write():
        cache.get('k', 10, Loader('read during the write'))

    write()
    assert cache.get('k', 10, Loader('new')) == 'new'
