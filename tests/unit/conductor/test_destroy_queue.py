"""The conductor's destroy queue ends the deletes of a batch with one
API-database transaction and one transaction per cell, and the batched
soft delete marks rows as the one-row soft delete does, on every
backend."""
import datetime
import threading
import uuid

import pytest
import sqlalchemy as sa

from nova.conductor import deletion
from nova.db.main import instances as db
from tests.unit.db.conftest import (  # noqa: F401 (fixtures)
    cell_connection, cell_database, make_database)

WAIT = 10  # seconds any step may take at most (a test never hangs)
VALUES = {'vm_state': 'deleted', 'task_state': None,
          'terminated_at': datetime.datetime(2024, 5, 6, 7, 8, 9)}


class Steps(list):
    """The steps a batch ran; wait() for the next cell's mark."""

    def __init__(self):
        super().__init__()
        self.marked = threading.Semaphore(0)
        self.terminated = []   # {uuid: (start, host)} of each mark

    def wait(self):
        return self.marked.acquire(timeout=WAIT)


class Context:
    """A request context as far as the destroy queue looks: its cell."""

    def __init__(self, cell):
        self.db_connection = cell


@pytest.fixture
def steps(monkeypatch):
    """[('api', uuids) or (cell, uuids)] in the order the batch ran them:
    the two database writes of deletion, recorded instead of run."""
    done = Steps()

    def release(context, uuids):
        done.append(('api', list(uuids)))

    def mark(context, uuids, terminated):
        done.append((context.db_connection, sorted(uuids)))
        done.terminated.append(terminated)
        done.marked.release()
    monkeypatch.setattr(deletion, 'release_api_records', release)
    monkeypatch.setattr(deletion, '_mark_deleted', mark)
    return done


def test_a_batch_releases_once_then_marks_each_cell_once(steps):
    deletion.destroy_many([(Context('cell1'), 'a', 'h1', 'T1'),
                           (Context('cell2'), 'b', 'h2', 'T2'),
                           (Context('cell1'), 'c', 'h1', None),
                           (Context('cell1'), 'a', 'h1', 'T1')])
    assert steps == [('api', ['a', 'b', 'c']), ('cell1', ['a', 'a', 'c']),
                     ('cell2', ['b'])]
    # The terminate events of each cell's instances; none for a destroy
    # that gave no start time.
    assert steps.terminated == [{'a': ('T1', 'h1')}, {'b': ('T2', 'h2')}]


def test_the_queue_ends_a_stream_of_destroys_in_one_batch(steps):
    queue = deletion.DestroyQueue()
    queue.stream_gap, queue.linger = 60.0, 60.0
    queue.max_batch = 2    # ends the linger at two
    try:
        queue.put(Context('cell1'), 'first')    # alone: at once
        assert steps.wait()
        queue.put(Context('cell1'), 'second')   # a stream: lingers
        queue.put(Context('cell1'), 'third')
        assert steps.wait()
    finally:
        queue.stop()
    assert steps == [('api', ['first']), ('cell1', ['first']),
                     ('api', ['second', 'third']),
                     ('cell1', ['second', 'third'])]


@pytest.fixture
def connection(cell_connection):
    return cell_connection


def _create(conn):
    instance_uuid = str(uuid.uuid4())
    db.create(conn, {'uuid': instance_uuid, 'vm_state': 'active',
                     'task_state': 'deleting'},
              {'flavor': '{"cur": null}'}, {'role': 'web'},
              {'image_os': 'cirros'})
    return instance_uuid


def _rows(conn, instance_uuid):
    """The instance's row and side rows, minus the times they were
    written."""
    rows = []
    for table in (db.INSTANCES, db.EXTRA, db.METADATA, db.SYSMETA):
        column = table.c.uuid if table is db.INSTANCES else \
            table.c.instance_uuid
        for row in conn.execute(sa.select(table).where(
                column == instance_uuid)).mappings():
            row = dict(row)
            assert row['deleted'] == row['id'] and row['deleted_at']
            rows.append({k: v for k, v in row.items()
                         if k not in ('id', 'uuid', 'instance_uuid',
                                      'created_at', 'updated_at',
                                      'deleted', 'deleted_at')})
    return rows


def test_a_batched_soft_delete_marks_as_the_one_row_one(connection):
    alone, *batch = [_create(connection) for _ in range(3)]
    db.soft_delete(connection, alone, VALUES)
    _, marked = db.soft_delete_many(connection, batch + batch[:1], VALUES)
    assert marked == 2
    expected = _rows(connection, alone)
    assert len(expected) == 4
    assert expected[0]['vm_state'] == 'deleted'
    assert expected[0]['task_state'] is None
    for instance_uuid in batch:
        assert _rows(connection, instance_uuid) == expected


def _deleted_at(conn, instance_uuid):
    return conn.execute(sa.select(db.INSTANCES.c.deleted_at).where(
        db.INSTANCES.c.uuid == instance_uuid)).scalar_one()


def test_a_batched_soft_delete_skips_what_is_gone(connection):
    gone, live = _create(connection), _create(connection)
    db.soft_delete(connection, gone, VALUES)
    deleted_at = _deleted_at(connection, gone)
    _, marked = db.soft_delete_many(
        connection, [gone, live, str(uuid.uuid4())], VALUES)
    assert marked == 1
    assert _deleted_at(connection, gone) == deleted_at
    assert db.get_all(connection, {'uuid': [gone, live]}) == []
