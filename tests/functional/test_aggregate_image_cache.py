"""POST /os-aggregates/{id}/images (2.81): image pre-caching through the
whole in-process stack (API -> conductor -> computes -> fake driver)."""
import logging
import time
import uuid

import pytest

from nova.virt import fake
from tests.functional import conftest
from tests.functional import image_helpers

MV = '2.81'
DATA = image_helpers.QCOW2_MAGIC + b'\0' * 4096
SUMMARY_LOGGER = 'nova.conductor.image_precache'


@pytest.fixture(scope='module')
def nova_stack(tmp_path_factory):
    # Two hosts at a time: a run over three hosts takes two rounds.
    stack = conftest.Stack(tmp_path_factory.mktemp('nova'),
                           **{'image_cache.precache_concurrency': 2})
    yield stack
    stack.stop()


@pytest.fixture
def admin(nova_api):
    return conftest.ApiClient(nova_api.app, microversion=MV)


@pytest.fixture
def image(admin):
    return image_helpers.create_image(
        admin, 'pre-' + uuid.uuid4().hex[:6], DATA)['id']


def _aggregate(admin, hosts=()):
    agg = admin.post('/os-aggregates', {'aggregate': {
        'name': 'agg-' + uuid.uuid4().hex[:8]}}).json['aggregate']
    for host in hosts:
        resp = admin.post('/os-aggregates/%s/action' % agg['id'],
                          {'add_host': {'host': host}})
        assert resp.status_int == 200, resp.text
    return agg['id']


def _cache(client, agg_id, *image_ids, **kw):
    return client.post('/os-aggregates/%s/images' % agg_id,
                       {'cache': [{'id': i} for i in image_ids]}, **kw)


def _cached_on(stack, image_id):
    return {host for host in conftest.COMPUTE_HOSTS
            if image_id in fake.cached_images(stack.conf.transport_url,
                                              host)}


def _wait_summary(caplog, image_id, timeout=15):
    """The conductor's INFO summary of the run for image_id."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for record in caplog.records:
            if record.name == SUMMARY_LOGGER and \
                    record.levelno == logging.INFO and \
                    'finished' in record.getMessage() and \
                    image_id in record.getMessage():
                return record.getMessage()
        time.sleep(0.05)
    raise AssertionError('no pre-cache summary for %s' % image_id)


def test_every_host_of_the_aggregate_caches_the_image(nova_stack, admin,
                                                      image, caplog):
    caplog.set_level(logging.INFO, logger=SUMMARY_LOGGER)
    agg_id = _aggregate(admin, ('compute1', 'compute2'))
    resp = _cache(admin, agg_id, image)
    assert resp.status_int == 202, resp.text
    assert resp.body == b''
    summary = _wait_summary(caplog, image)
    assert _cached_on(nova_stack, image) == {'compute1', 'compute2'}
    assert '2 of 2 host(s) done' in summary
    assert '2 cached, 0 existing, 0 errors' in summary
    # Again: the hosts have it already.
    caplog.clear()
    assert _cache(admin, agg_id, image).status_int == 202
    assert '0 cached, 2 existing' in _wait_summary(caplog, image)


def test_a_down_host_is_skipped(nova_stack, admin, image, caplog):
    caplog.set_level(logging.INFO, logger=SUMMARY_LOGGER)
    agg_id = _aggregate(admin, conftest.COMPUTE_HOSTS)
    service = admin.get('/os-services?host=compute3&binary=nova-compute',
                        microversion='2.53').json['services'][0]
    url = '/os-services/%s' % service['id']
    assert admin.put(url, {'forced_down': True},
                     microversion='2.53').status_int == 200
    try:
        assert _cache(admin, agg_id, image).status_int == 202
        summary = _wait_summary(caplog, image)
    finally:
        admin.put(url, {'forced_down': False}, microversion='2.53')
    assert _cached_on(nova_stack, image) == {'compute1', 'compute2'}
    assert '2 of 3 host(s) done, 1 skipped (down)' in summary


def test_an_aggregate_without_hosts_is_accepted(nova_stack, admin, image,
                                                caplog):
    caplog.set_level(logging.INFO, logger=SUMMARY_LOGGER)
    assert _cache(admin, _aggregate(admin), image).status_int == 202
    assert '0 of 0 host(s) done' in _wait_summary(caplog, image)
    assert _cached_on(nova_stack, image) == set()


def test_an_unknown_image_is_a_bad_request(nova_stack, admin, image):
    agg_id = _aggregate(admin, ('compute1',))
    missing = str(uuid.uuid4())
    resp = _cache(admin, agg_id, image, missing)
    assert resp.status_int == 400
    assert resp.json['badRequest']['message'] == \
        'Image %s could not be found.' % missing
    # Nothing was asked of the hosts, not even for the known image.
    time.sleep(0.3)
    assert _cached_on(nova_stack, image) == set()


def test_duplicate_images_are_a_bad_request(admin, image):
    resp = _cache(admin, _aggregate(admin), image, image)
    assert resp.status_int == 400
    assert resp.json['badRequest']['message'] == 'Duplicate images in request'


def test_an_unknown_aggregate_is_not_found(admin, image):
    resp = _cache(admin, 999999, image)
    assert resp.status_int == 404
    assert 'Aggregate 999999 could not be found' in \
        resp.json['itemNotFound']['message']
    assert _cache(admin, 'abc', image).status_int == 400


@pytest.mark.parametrize('body', [
    {}, {'cache': []}, {'cache': [{}]}, {'cache': [{'id': 'not-a-uuid'}]},
    {'cache': [{'id': str(uuid.uuid4()), 'extra': 1}]},
    {'cache': [], 'extra': 1}, {'cache': 'x'},
])
def test_invalid_bodies(admin, body):
    agg_id = _aggregate(admin)
    assert admin.post('/os-aggregates/%s/images' % agg_id,
                      body).status_int == 400


def test_not_there_before_2_81(admin, image):
    resp = _cache(admin, _aggregate(admin), image, microversion='2.80')
    assert resp.status_int == 404
    assert 'not supported on this method' in \
        resp.json['itemNotFound']['message']


def test_members_are_forbidden(admin, image):
    agg_id = _aggregate(admin)
    member = admin.as_user('demo', uuid.uuid4().hex)
    resp = _cache(member, agg_id, image)
    assert resp.status_int == 403
    assert 'compute:aggregates:images' in resp.json['forbidden']['message']
