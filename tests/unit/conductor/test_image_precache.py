"""The conductor's image pre-cache fan-out: concurrency limit, down hosts,
hosts that never answer, the summary, and the run off the RPC thread.

The computes are stand-ins (the compute RPC client's one method); the
client itself is checked against a stand-in oslo.messaging client."""
import logging
import threading
import time

import oslo_messaging as messaging
import pytest

from nova.compute import rpcapi as compute_rpcapi
from nova.conductor import image_precache
from nova import conf as nova_conf
from nova import exception

WAIT = 10  # seconds any step may take at most (a test never hangs)
IMAGES = ['img-a', 'img-b']


class Computes:
    """compute_rpcapi.ComputeAPI.cache_images, answered by a function of
    the host; records the calls and the most running at once."""

    def __init__(self, answer=None, delay=0.0):
        self.answer = answer or (lambda host, ids: {i: 'cached'
                                                    for i in ids})
        self.delay = delay
        self.calls = []
        self.running = 0
        self.most = 0
        self._lock = threading.Lock()

    def cache_images(self, context, host, image_ids):
        with self._lock:
            self.calls.append(host)
            self.running += 1
            self.most = max(self.most, self.running)
        try:
            time.sleep(self.delay)
            return self.answer(host, image_ids)
        finally:
            with self._lock:
                self.running -= 1


class Aggregate:
    def __init__(self, hosts, id=7):
        self.id = id
        self.hosts = hosts


def _conf(concurrency=1):
    return nova_conf.build_conf(overrides={
        'image_cache.precache_concurrency': concurrency,
        'long_rpc_timeout': 30, 'rpc_response_timeout': 5})


def _precacher(computes, concurrency=1, down=()):
    return image_precache.Precacher(
        _conf(concurrency), compute=computes,
        host_is_up=lambda context, status, host: host not in down)


HOSTS = ['h%d' % i for i in range(6)]


@pytest.mark.parametrize('concurrency', [1, 2, 4])
def test_at_most_precache_concurrency_hosts_at_a_time(concurrency):
    computes = Computes(delay=0.05)
    report = _precacher(computes, concurrency).run(None, 7, HOSTS, IMAGES)
    assert sorted(computes.calls) == HOSTS
    assert computes.most == concurrency
    assert sorted(report.answered) == HOSTS
    assert report.counts['cached'] == len(HOSTS) * len(IMAGES)


def test_down_hosts_are_not_asked():
    computes = Computes()
    report = _precacher(computes, 2, down={'h1', 'h4'}).run(
        None, 7, HOSTS, IMAGES)
    assert sorted(computes.calls) == ['h0', 'h2', 'h3', 'h5']
    assert report.skipped == ['h1', 'h4']


def test_a_host_that_never_answers_does_not_stop_the_others(caplog):
    def answer(host, ids):
        if host == 'h2':
            raise exception.RPCTimeout(service='nova-compute',
                                       method='cache_images')
        if host == 'h3':
            raise RuntimeError('boom')
        return {i: 'existing' for i in ids}
    caplog.set_level(logging.INFO, logger='nova.conductor.image_precache')
    report = _precacher(Computes(answer), 2).run(None, 7, HOSTS, IMAGES)
    assert sorted(report.failed) == ['h2', 'h3']
    assert len(report.answered) == 4
    assert report.counts['existing'] == 8
    assert any('h2: no answer within 30s' in r.getMessage()
               for r in caplog.records)


def test_the_summary_counts_every_status(caplog):
    statuses = {'h0': 'cached', 'h1': 'existing', 'h2': 'error',
                'h3': 'unsupported'}

    def answer(host, ids):
        return {i: statuses[host] for i in ids}
    caplog.set_level(logging.INFO, logger='nova.conductor.image_precache')
    report = _precacher(Computes(answer), down={'h4'}).run(
        None, 7, sorted(statuses) + ['h4'], IMAGES)
    assert dict(report.failures) == {'img-a': 1, 'img-b': 1}
    messages = [(r.levelno, r.getMessage()) for r in caplog.records]
    summary = [m for level, m in messages
               if level == logging.INFO and 'finished' in m]
    assert len(summary) == 1
    assert ('img-a,img-b on aggregate 7 finished' in summary[0])
    assert ('4 of 5 host(s) done, 1 skipped (down), 0 failed'
            in summary[0])
    assert ('2 cached, 2 existing, 2 errors, 2 unsupported'
            in summary[0])
    assert (logging.WARNING,
            'Image pre-cache of img-a failed on 1 host(s)') in messages


def test_submit_returns_at_once_and_runs_in_the_background():
    release = threading.Event()

    def answer(host, ids):
        assert release.wait(WAIT)
        return {i: 'cached' for i in ids}
    precacher = _precacher(Computes(answer))
    started = time.monotonic()
    future = precacher.submit(None, Aggregate(['h0']), IMAGES)
    assert time.monotonic() - started < 1
    assert not future.done()
    release.set()
    assert future.result(timeout=WAIT).answered == ['h0']


def test_requests_run_one_after_the_other():
    computes = Computes(delay=0.05)
    precacher = _precacher(computes, concurrency=4)
    futures = [precacher.submit(None, Aggregate(HOSTS[:3], id=i), IMAGES)
               for i in range(3)]
    for future in futures:
        future.result(timeout=WAIT)
    assert computes.most == 3 and len(computes.calls) == 9


def test_stop_asks_no_further_host():
    first = threading.Event()
    release = threading.Event()

    def answer(host, ids):
        first.set()
        assert release.wait(WAIT)
        return {i: 'cached' for i in ids}
    computes = Computes(answer)
    precacher = _precacher(computes)
    future = precacher.submit(None, Aggregate(['h0', 'h1', 'h2']), IMAGES)
    queued = precacher.submit(None, Aggregate(['h3']), IMAGES)
    assert first.wait(WAIT)
    precacher.stop()
    release.set()
    report = future.result(timeout=WAIT)
    assert computes.calls == ['h0']
    assert report.answered == ['h0']
    assert sorted(report.not_asked) == ['h1', 'h2']
    assert queued.cancelled()


def test_an_empty_aggregate_asks_nobody():
    computes = Computes()
    report = _precacher(computes).run(None, 7, [], IMAGES)
    assert computes.calls == [] and report.answered == []


class Client:
    """What ComputeAPI.cache_images asks of oslo.messaging's client."""

    def __init__(self, error=None):
        self.prepared = {}
        self.error = error

    def prepare(self, **kwargs):
        self.prepared.update(kwargs)
        return self

    def call(self, context, method, **kwargs):
        self.called = (method, kwargs)
        if self.error:
            raise self.error
        return {i: 'cached' for i in kwargs['image_ids']}


def test_each_host_call_has_the_long_timeout_and_a_call_monitor():
    conf = _conf()
    api = compute_rpcapi.ComputeAPI(conf)
    api.client = Client()
    assert api.cache_images(None, 'h1', ('a',)) == {'a': 'cached'}
    assert api.client.prepared == {'server': 'h1', 'version': '1.1',
                                   'call_monitor_timeout': 5,
                                   'timeout': 30}
    assert api.client.called == ('cache_images', {'image_ids': ['a']})


def test_a_host_call_timeout_is_a_typed_error():
    api = compute_rpcapi.ComputeAPI(_conf())
    api.client = Client(error=messaging.MessagingTimeout())
    with pytest.raises(exception.RPCTimeout):
        api.cache_images(None, 'h1', ['a'])
