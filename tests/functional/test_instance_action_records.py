"""What boot and delete record in a server's instance actions, as Nova does.

A create's ``create`` action ends with the compute's
``compute__do_build_and_run_instance`` event (Success, or Error for each
host a failed build was tried on); a DELETE records a ``delete`` action,
ended by ``compute_terminate_instance`` when the compute has removed the
guest. Both events are written by the conductor in the transaction that
makes the server ACTIVE or gone, so whoever sees that sees the event. Every
action carries updated_at from its start (2.58), moved by its events.

The whole in-process stack with the fake driver, RPC through JSON as on a
real transport (tests/functional/conftest.py).
"""
import datetime
import threading
import time
import uuid

import pytest
import sqlalchemy as sa

from nova.db.main import models
from nova.db import engines
from nova.virt import fake
from tests.functional import conftest

BUILD = 'compute__do_build_and_run_instance'
TERMINATE = 'compute_terminate_instance'
DOOMED = 'doomed-build'   # the fake driver fails this server's spawn
WAIT = 20


@pytest.fixture(scope='module')
def stack(tmp_path_factory):
    stack = conftest.Stack(
        tmp_path_factory.mktemp('instance-action-records'),
        **{'fake_driver.fail_spawn_names': [DOOMED]})
    yield stack
    stack.stop()


def _create(user, flavor, name='vm', **extra):
    resp = user.post('/servers', {'server': dict(
        {'name': name, 'flavorRef': flavor, 'imageRef': conftest.IMAGE_ID},
        **extra)})
    assert resp.status_int == 202, resp.text
    return resp


def _show(client, server_id, request_id, microversion='2.84'):
    resp = client.get('/servers/%s/os-instance-actions/%s'
                      % (server_id, request_id), microversion=microversion)
    assert resp.status_int == 200, resp.text
    return resp.json['instanceAction']


def _list(client, server_id, microversion='2.58'):
    resp = client.get('/servers/%s/os-instance-actions' % server_id,
                      microversion=microversion)
    assert resp.status_int == 200, resp.text
    return resp.json['instanceActions']


def _time(text):
    return datetime.datetime.fromisoformat(text)


def _host(admin, server_id):
    return admin.get('/servers/%s' % server_id, microversion='2.62').json[
        'server']['OS-EXT-SRV-ATTR:host']


def _check_event(event, name, host, action):
    """A finished Success event of this host, inside its action's life."""
    assert event['event'] == name
    assert event['result'] == 'Success'
    assert event['traceback'] is None and event['details'] is None
    assert event['host'] == host
    assert _time(action['start_time']) <= _time(event['start_time']) \
        <= _time(event['finish_time'])
    # The event moved its action's last change (2.58) to its end.
    assert action['updated_at'] == event['finish_time']


def test_a_build_ends_its_create_action_with_a_success_event(admin, flavor,
                                                              user):
    resp = _create(user, flavor)
    server_id = resp.json['server']['id']
    request_id = resp.headers['x-openstack-request-id']
    # Written with the ACTIVE state: no waiting for the event.
    user.wait_for_status(server_id, 'ACTIVE')
    action = _show(admin, server_id, request_id)
    assert action['action'] == 'create' and action['message'] is None
    [event] = action['events']
    _check_event(event, BUILD, _host(admin, server_id), action)
    # The owner sees it from 2.51, without traceback or host.
    [seen] = _show(user, server_id, request_id, '2.62')['events']
    assert set(seen) == {'event', 'start_time', 'finish_time', 'result',
                         'hostId'}
    assert seen['event'] == BUILD and seen['hostId']


def test_each_server_of_a_multi_create_gets_its_event(admin, flavor, user):
    resp = _create(user, flavor, name='trio', min_count=3, max_count=3,
                   return_reservation_id=True)
    request_id = resp.headers['x-openstack-request-id']
    reservation = resp.json['reservation_id']
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        servers = user.get('/servers/detail?reservation_id=%s'
                           % reservation).json['servers']
        if len(servers) == 3 and all(s['status'] == 'ACTIVE'
                                     for s in servers):
            break
        time.sleep(0.05)
    else:
        pytest.fail('not all ACTIVE: %s' % servers)
    for server in servers:
        action = _show(admin, server['id'], request_id)
        assert action['action'] == 'create'
        [event] = action['events']
        _check_event(event, BUILD, _host(admin, server['id']), action)


def test_a_delete_is_listed_newest_first_with_its_terminate_event(
        admin, flavor, user):
    resp = _create(user, flavor)
    server_id = resp.json['server']['id']
    created = resp.headers['x-openstack-request-id']
    user.wait_for_status(server_id, 'ACTIVE')
    host = _host(admin, server_id)
    resp = user.delete('/servers/%s' % server_id)
    assert resp.status_int == 204
    deleted = resp.headers['x-openstack-request-id']
    # The event goes with the soft delete: gone means recorded.
    user.wait_for_gone(server_id)
    listed = _list(user, server_id, '2.21')
    assert [(a['action'], a['request_id']) for a in listed] == [
        ('delete', deleted), ('create', created)]
    action = _show(admin, server_id, deleted)
    assert action['user_id'] == 'demo' and action['message'] is None
    [event] = action['events']
    _check_event(event, TERMINATE, host, action)
    assert _list(user, server_id, '2.58')[0]['updated_at'] == \
        event['finish_time']
    # Before 2.21 a deleted server has no actions to show.
    resp = user.get('/servers/%s/os-instance-actions' % server_id,
                    microversion='2.20')
    assert resp.status_int == 404


def test_a_second_delete_while_the_first_runs_records_nothing(
        monkeypatch, admin, flavor, user):
    resp = _create(user, flavor)
    server_id = resp.json['server']['id']
    user.wait_for_status(server_id, 'ACTIVE')
    removing, release = threading.Event(), threading.Event()
    original = fake.FakeDriver.destroy

    def held(self, context, instance):
        if instance.uuid == server_id:
            removing.set()
            release.wait(WAIT)
        return original(self, context, instance)
    monkeypatch.setattr(fake.FakeDriver, 'destroy', held)
    try:
        first = user.delete('/servers/%s' % server_id)
        assert first.status_int == 204
        assert removing.wait(WAIT)
        # Already deleting: a 204 again, as Nova answers, and no action.
        assert user.delete('/servers/%s' % server_id).status_int == 204
    finally:
        release.set()
    user.wait_for_gone(server_id)
    listed = _list(user, server_id, '2.21')
    assert [(a['action'], a['request_id']) for a in listed][0] == (
        'delete', first.headers['x-openstack-request-id'])
    assert [a['action'] for a in listed] == ['delete', 'create']
    [event] = _show(admin, server_id, listed[0]['request_id'])['events']
    assert event['event'] == TERMINATE


def test_a_failed_build_records_its_error_events(admin, flavor, user):
    resp = _create(user, flavor, name=DOOMED)
    server_id = resp.json['server']['id']
    request_id = resp.headers['x-openstack-request-id']
    user.wait_for_status(server_id, 'ERROR')
    action = _show(admin, server_id, request_id)
    assert action['message'] == 'Error'
    events = action['events']
    assert events, action   # one per host the build was tried on
    for event in events:
        assert event['event'] == BUILD
        assert event['result'] == 'Error'
        assert 'told to fail this build' in event['traceback']
        # 2.84: the message the instance's fault has, as Nova records it.
        assert 'told to fail this build' in event['details']
        assert 'Traceback' not in event['details']
        assert event['host'] in conftest.COMPUTE_HOSTS
        assert _time(event['start_time']) <= _time(event['finish_time'])
    assert len({e['host'] for e in events}) == len(events)


def test_every_action_has_updated_at_from_its_start(stack, admin, flavor,
                                                    user):
    resp = _create(user, flavor)
    server_id = resp.json['server']['id']
    user.wait_for_status(server_id, 'ACTIVE')
    resp = user.post('/servers/%s/action' % server_id, {'os-stop': None})
    assert resp.status_int == 202
    user.wait_for_status(server_id, 'SHUTOFF')
    for action in _list(user, server_id):
        assert _time(action['updated_at']) >= _time(action['start_time'])
    # In the database, not only in the view: no action of this module's
    # servers lacks it, and those without events carry their start.
    table = models.InstanceAction.__table__
    events = models.InstanceActionEvent.__table__
    with engines.get_engine(stack.conf.database.connection).connect() as c:
        rows = c.execute(sa.select(
            table.c.start_time, table.c.updated_at,
            sa.exists().where(events.c.action_id == table.c.id).label(
                'has_events'))).all()
    assert rows
    for start, updated, has_events in rows:
        assert updated is not None
        assert updated >= start if has_events else updated == start
