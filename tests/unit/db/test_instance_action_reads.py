"""The reads of os-instance-actions on every backend: a page of actions
(marker, changes-since/before) and an action with its events, each one
query (a join to the marker's row; a join to the events)."""
import datetime
import uuid

import pytest

from nova import context as nova_context
from nova.db.main import instances as db
from nova.db.main import models
from nova.db import engines
from nova import exception
from nova import objects
from tests.unit.db.conftest import CellAt

# Whole seconds: DATETIME columns of MariaDB keep no fraction.
T0 = datetime.datetime(2024, 5, 6, 7, 8, 9)
ACTIONS = models.InstanceAction.__table__
EVENTS = models.InstanceActionEvent.__table__


@pytest.fixture
def cell(cell_database):
    objects.register_all()
    url = cell_database
    with nova_context.target_cell(nova_context.get_admin_context(),
                                  CellAt(url)) as cctxt:
        yield cctxt, engines.get_engine(url)


def _instance(engine):
    instance_uuid = str(uuid.uuid4())
    with engine.begin() as conn:
        db.create(conn, {'uuid': instance_uuid, 'project_id': 'p1',
                         'vm_state': 'active', 'created_at': T0},
                  {'flavor': '{"cur": null}'}, {}, {})
    return instance_uuid


def _action(engine, instance_uuid, name, minutes, updated=None, **values):
    """Insert an action created `minutes` after T0; its id."""
    at = T0 + datetime.timedelta(minutes=minutes)
    with engine.begin() as conn:
        return conn.execute(ACTIONS.insert().values(dict({
            'action': name, 'instance_uuid': instance_uuid,
            'request_id': 'req-%s' % name, 'project_id': 'p1',
            'user_id': 'u1', 'start_time': at, 'created_at': at,
            'updated_at': updated and T0 + datetime.timedelta(
                minutes=updated), 'deleted': 0}, **values))
        ).inserted_primary_key[0]


def _event(engine, action_id, name, minutes, **values):
    at = T0 + datetime.timedelta(minutes=minutes)
    with engine.begin() as conn:
        conn.execute(EVENTS.insert().values(dict({
            'event': name, 'action_id': action_id, 'start_time': at,
            'finish_time': at, 'result': 'Success', 'host': 'h1',
            'created_at': at, 'deleted': 0}, **values)))


def _page(cctxt, instance_uuid, **kw):
    return [a.action for a in objects.InstanceActionList.get_page(
        cctxt, instance_uuid, **kw)]


def _at(minutes):
    return (T0 + datetime.timedelta(minutes=minutes)).replace(
        tzinfo=datetime.timezone.utc)


def test_pages_newest_first(cell):
    cctxt, engine = cell
    server, other = _instance(engine), _instance(engine)
    for minutes, name in enumerate(('create', 'stop', 'start', 'reboot')):
        _action(engine, server, name, minutes)
    _action(engine, other, 'elsewhere', 9)
    assert _page(cctxt, server) == ['reboot', 'start', 'stop', 'create']
    assert _page(cctxt, server, limit=2) == ['reboot', 'start']
    assert _page(cctxt, server, limit=2, marker='req-start') == [
        'stop', 'create']
    assert _page(cctxt, server, marker='req-create') == []
    assert _page(cctxt, server, limit=0, marker='req-nothing') == []
    for marker in ('req-nothing', 'req-elsewhere'):
        with pytest.raises(exception.MarkerNotFound):
            _page(cctxt, server, marker=marker)


def test_same_creation_time_is_ordered_by_id(cell):
    cctxt, engine = cell
    server = _instance(engine)
    for name in ('first', 'second', 'third'):
        _action(engine, server, name, 0)
    assert _page(cctxt, server) == ['third', 'second', 'first']
    assert _page(cctxt, server, marker='req-second') == ['first']


def test_changes_since_and_before_read_the_last_change(cell):
    cctxt, engine = cell
    server = _instance(engine)
    _action(engine, server, 'create', 0, updated=5)
    _action(engine, server, 'stop', 2)            # never updated
    _action(engine, server, 'start', 3, updated=4)
    assert _page(cctxt, server, changes_since=_at(4)) == ['start', 'create']
    assert _page(cctxt, server, changes_before=_at(3)) == ['stop']
    assert _page(cctxt, server, changes_since=_at(2),
                 changes_before=_at(4)) == ['start', 'stop']
    # The marker need not pass the filters; the page after it must.
    assert _page(cctxt, server, marker='req-start',
                 changes_since=_at(5)) == ['create']


def test_deleted_actions_follow_read_deleted(cell):
    cctxt, engine = cell
    server = _instance(engine)
    _action(engine, server, 'create', 0)
    gone = _action(engine, server, 'stop', 1)
    with engine.begin() as conn:
        conn.execute(ACTIONS.update().where(ACTIONS.c.id == gone).values(
            deleted=gone))
    assert _page(cctxt, server) == ['create']
    cctxt.read_deleted = 'yes'
    assert _page(cctxt, server) == ['stop', 'create']


def test_an_action_with_its_events(cell):
    cctxt, engine = cell
    server = _instance(engine)
    action_id = _action(engine, server, 'stop', 0, message='Error')
    _event(engine, action_id, 'compute_stop_instance', 1, result='Error',
           traceback='Traceback ...', details='boom')
    _event(engine, action_id, 'conductor_stop', 2)
    _action(engine, server, 'start', 3)
    action, events = objects.InstanceAction.get_with_events(
        cctxt, server, 'req-stop')
    assert (action.action, action.message, action.request_id) == (
        'stop', 'Error', 'req-stop')
    assert [(e.event, e.result, e.host) for e in events] == [
        ('conductor_stop', 'Success', 'h1'),
        ('compute_stop_instance', 'Error', 'h1')]
    assert events[1].traceback == 'Traceback ...'
    assert events[1].details == 'boom'
    assert events[1].start_time == _at(1)
    alone, none = objects.InstanceAction.get_with_events(
        cctxt, server, 'req-stop', events=False)
    assert alone.id == action.id and none == []
    start, no_events = objects.InstanceAction.get_with_events(
        cctxt, server, 'req-start')
    assert start.action == 'start' and no_events == []
    with pytest.raises(exception.InstanceActionNotFound):
        objects.InstanceAction.get_with_events(cctxt, server, 'req-none')
    with pytest.raises(exception.InstanceActionNotFound):
        objects.InstanceAction.get_with_events(cctxt, _instance(engine),
                                               'req-stop')


def test_a_repeated_request_id_reads_its_newest_action(cell):
    cctxt, engine = cell
    server = _instance(engine)
    _action(engine, server, 'reboot', 0, request_id='req-twice')
    _action(engine, server, 'start', 1, request_id='req-twice')
    action, _ = objects.InstanceAction.get_with_events(cctxt, server,
                                                       'req-twice')
    assert action.action == 'start'
