"""The writes that record instance actions and events in batches, on every
backend: an action starts with its updated_at; the events of a conductor
batch (builds that spawned, deletes that ended) cost three statements built
once, whatever the batch's size, and go on the newest action of each
instance, only once for a delete that ends twice."""
import datetime
import uuid

import pytest
import sqlalchemy as sa

from nova.conductor import build
from nova.conductor import deletion
from nova import context as nova_context
from nova.db import engines
from nova.db import in_lists
from nova.db.main import instance_actions as db
from nova.db.main import instances as instances_db
from nova import objects
from nova.objects import instance_action
from tests.unit.db.conftest import CellAt

# Whole seconds: DATETIME columns of MariaDB keep no fraction.
T0 = datetime.datetime(2024, 5, 6, 7, 8, 9)
T1 = T0 + datetime.timedelta(seconds=5)


@pytest.fixture
def cell(cell_database):
    objects.register_all()
    url = cell_database
    context = nova_context.RequestContext(user_id='u1', project_id='p1',
                                          roles=['member'])
    with nova_context.target_cell(context, CellAt(url)) as cctxt:
        yield cctxt, engines.get_engine(url)


def _instance(engine, task_state=None):
    instance_uuid = str(uuid.uuid4())
    with engine.begin() as conn:
        instances_db.create(conn, {'uuid': instance_uuid, 'project_id': 'p1',
                                   'vm_state': 'active',
                                   'task_state': task_state},
                            {'flavor': '{"cur": null}'}, {}, {})
    return instance_uuid


def _start(cctxt, uuids, action):
    objects.InstanceAction.start_many(cctxt, uuids, action)


def _actions(engine, instance_uuid):
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(sa.select(db.ACTIONS).where(
            db.ACTIONS.c.instance_uuid == instance_uuid).order_by(
            db.ACTIONS.c.id)).mappings()]


def _events(engine, action_id):
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(sa.select(db.EVENTS).where(
            db.EVENTS.c.action_id == action_id)).mappings()]


class _Statements:
    """The statements an engine executes, with their parameter sets."""

    def __init__(self, engine):
        self.engine = engine
        self.executed = []

    def _record(self, conn, clauseelement, multiparams, params, options):
        self.executed.append((clauseelement, multiparams or [params]))

    def __enter__(self):
        sa.event.listen(self.engine, 'before_execute', self._record)
        return self

    def __exit__(self, *exc):
        sa.event.remove(self.engine, 'before_execute', self._record)


def test_an_action_starts_with_its_updated_at(cell):
    cctxt, engine = cell
    server = _instance(engine)
    _start(cctxt, [server], 'stop')
    [action] = _actions(engine, server)
    assert action['updated_at'] == action['start_time'] == \
        action['created_at'] is not None
    assert (action['action'], action['request_id'], action['user_id'],
            action['project_id']) == ('stop', cctxt.request_id, 'u1', 'p1')


def _finish(cctxt, finished, **kw):
    return instance_action.InstanceActionEvent.finish_many(
        cctxt, 'create', 'ev', finished, **kw)


@pytest.mark.parametrize('count', [1, 3, in_lists.IN_PLAIN_MAX + 1])
def test_a_batch_of_events_costs_three_statements_built_once(cell, count):
    cctxt, engine = cell
    batches = []
    for _ in range(2):
        servers = [_instance(engine) for _ in range(count)]
        _start(cctxt, servers, 'create')
        with _Statements(engine) as statements:
            assert _finish(cctxt, {s: (T0, 'h1') for s in servers}) == count
        batches.append((servers, statements.executed))
    (_, first), (servers, second) = batches
    # The action ids, one INSERT of every event, the actions' updated_at.
    assert len(second) == 3
    assert [id(s) for s, _ in second] == [id(s) for s, _ in first]
    rows = second[1][1]   # one execution, a parameter set per event
    assert len(rows) == count
    for server in servers:
        [action] = _actions(engine, server)
        [event] = _events(engine, action['id'])
        assert (event['event'], event['result'], event['host'],
                event['start_time']) == ('ev', 'Success', 'h1', T0)
        assert event['finish_time'] == action['updated_at'] >= \
            action['start_time']


def test_events_go_on_the_newest_action_named(cell):
    cctxt, engine = cell
    twice, stopped, bare = (_instance(engine) for _ in range(3))
    _start(cctxt, [twice], 'create')
    _start(cctxt, [twice, stopped], 'stop')
    _start(cctxt, [twice], 'create')
    # RPC carries the start as an ISO string.
    assert _finish(cctxt, {twice: (T1.isoformat(), 'h2'),
                           stopped: (T1, 'h2'), bare: (T1, 'h2')}) == 1
    older, stop, newest = _actions(engine, twice)
    assert _events(engine, older['id']) == []
    assert _events(engine, stop['id']) == []
    [event] = _events(engine, newest['id'])
    assert event['start_time'] == T1
    assert older['updated_at'] == older['start_time']
    [stop] = _actions(engine, stopped)
    assert _events(engine, stop['id']) == []


def test_live_only_records_nothing_on_a_deleted_instance(cell):
    cctxt, engine = cell
    live, gone = _instance(engine), _instance(engine)
    _start(cctxt, [live, gone], 'create')
    with engine.begin() as conn:
        instances_db.soft_delete(conn, gone, {'vm_state': 'deleted'})
    assert _finish(cctxt, {live: (T0, 'h1'), gone: (T0, 'h1')},
                   live_only=True) == 1
    [action] = _actions(engine, gone)
    assert _events(engine, action['id']) == []


def test_a_delete_ended_twice_records_its_event_once(cell):
    cctxt, engine = cell
    servers = [_instance(engine, 'deleting') for _ in range(2)]
    _start(cctxt, servers, 'delete')
    terminated = {s: (T0.isoformat(), 'h1') for s in servers}
    deletion._mark_deleted(cctxt, servers, terminated)
    deletion._mark_deleted(cctxt, servers, terminated)
    for server in servers:
        [action] = _actions(engine, server)
        [event] = _events(engine, action['id'])
        assert (event['event'], event['host'], event['start_time']) == (
            'compute_terminate_instance', 'h1', T0)
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).where(
            instances_db.INSTANCES.c.uuid.in_(servers),
            instances_db.INSTANCES.c.deleted == 0)).scalar() == 0


def test_only_builds_written_active_get_their_event(cell):
    cctxt, engine = cell
    spawned = _instance(engine, 'spawning')
    deleting = _instance(engine, 'deleting')
    _start(cctxt, [spawned, deleting], 'create')
    values = {'vm_state': 'active', 'task_state': None, 'power_state': 1,
              'launched_at': T1.isoformat()}
    outcomes = build._write_active(
        cctxt, {spawned: values, deleting: values}, 'h3',
        {spawned: T0.isoformat(), deleting: T0.isoformat()})
    assert outcomes == {spawned: None, deleting: build._DELETING}
    [action] = _actions(engine, spawned)
    [event] = _events(engine, action['id'])
    assert (event['event'], event['host'], event['start_time']) == (
        'compute__do_build_and_run_instance', 'h3', T0)
    [action] = _actions(engine, deleting)
    assert _events(engine, action['id']) == []
