"""DELETE /servers/{id} reads a brief instance (a few columns), casts it
to the compute, and the compute ends the delete with one cast to the
conductor, which frees its allocations and marks it deleted (deletes
arriving together in one batch).

The whole in-process stack with the fake driver; calls are recorded by
wrapping the real methods, never replacing them.
"""
import datetime
import logging
import time

import pytest
import sqlalchemy as sa

from nova.compute import api as compute_api
from nova.compute import manager as compute_manager
from nova.conductor import batching
from nova.conductor import deletion
from nova.conductor import manager as conductor_manager
from nova.conductor import rpcapi as conductor_rpcapi
from nova import context as nova_context
from nova.db import engines
from nova.db.main import instances as instances_db
from nova import exception
from nova import objects
from nova.placement import direct
from tests.functional import queue_holds


@pytest.fixture
def server_id(nova_api):
    flavor = nova_api.create_flavor()['id']
    server_id = nova_api.create_server(flavor, name='brief')['id']
    nova_api.wait_for_status(server_id, 'ACTIVE')
    return server_id


def _cell_context(instance_uuid):
    ctx = nova_context.get_admin_context()
    mapping = objects.InstanceMapping.get_by_instance_uuid(ctx,
                                                           instance_uuid)
    return nova_context.target_cell(ctx, mapping.cell_mapping)


def _record(monkeypatch, cls, name, calls):
    original = getattr(cls, name)

    def recorded(self, context, *args, **kwargs):
        calls.append((args, kwargs))
        return original(self, context, *args, **kwargs)
    monkeypatch.setattr(cls, name, recorded)


def test_a_brief_instance_loads_what_it_left_out(server_id):
    with _cell_context(server_id) as cctxt:
        full = objects.Instance.get_by_uuid(cctxt, server_id)
        brief = objects.Instance.get_brief(cctxt, server_id)
        assert {name for name in brief.fields
                if brief.obj_attr_is_set(name)} == \
            set(instances_db.BRIEF_COLUMNS)
        assert (brief.host, brief.vm_state, brief.locked) == (
            full.host, 'active', False)
        # One read fills every column left out, the flavor included.
        assert brief.image_ref == full.image_ref
        assert brief.flavor.flavorid == full.flavor.flavorid
        assert brief.launched_at == full.launched_at
        assert brief.obj_what_changed() == set()


def test_a_brief_read_of_a_missing_instance_is_not_found(server_id):
    with _cell_context(server_id) as cctxt:
        with pytest.raises(exception.InstanceNotFound):
            objects.Instance.get_brief(
                cctxt, '00000000-0000-0000-0000-00000000dead')


def test_delete_sends_a_brief_instance_and_ends_in_one_cast(
        monkeypatch, nova_stack, nova_api, server_id):
    casts, destroys, object_calls = [], [], []
    _record(monkeypatch, compute_manager.ComputeManager,
            'terminate_instance', casts)
    _record(monkeypatch, conductor_manager.ComputeTaskManager,
            'destroy_instance', destroys)
    _record(monkeypatch, conductor_manager.ConductorManager,
            'object_class_action_versions', object_calls)
    assert nova_api.delete('/servers/%s' % server_id).status_int == 204
    nova_api.wait_for_gone(server_id)

    args, kwargs = casts[0]
    instance = kwargs.get('instance') or args[0]
    sent = {name for name in instance.fields if instance.obj_attr_is_set(name)}
    assert sent == set(instances_db.BRIEF_COLUMNS)
    # The uuid, and for the terminate event the host and when it began.
    [((), sent)] = destroys
    assert sent.pop('instance_uuid') == server_id
    assert sent.pop('host') == instance.host
    assert isinstance(sent.pop('started'), str) and sent == {}
    assert not [c for c in object_calls if server_id in repr(c)]

    # Released before the row was marked deleted: gone means all gone.
    placement = direct.Placement(nova_stack.conf)
    ctx = nova_context.get_admin_context()
    assert placement.get_allocations(ctx, server_id)['allocations'] == {}
    # The compute's last step marked the mapping (nova-api did not).
    mapping = objects.InstanceMapping.get_by_instance_uuid(ctx, server_id)
    assert mapping.queued_for_delete
    assert not any(server_id in svc.manager.tracker.claimed
                   for svc in nova_stack.services.services
                   if svc.binary == 'nova-compute')


def _record_class_call(monkeypatch, cls, name, calls):
    original = getattr(cls, name).__func__

    def recorded(klass, context, *args, **kwargs):
        calls.append(args)
        return original(klass, context, *args, **kwargs)
    monkeypatch.setattr(cls, name, classmethod(recorded))


def test_with_one_cell_a_delete_reads_no_mapping(
        monkeypatch, nova_api, server_id):
    # The server is looked for in the only cell first: the API database
    # is not read at all.
    reads = []
    _record_class_call(monkeypatch, objects.InstanceMapping,
                       'get_by_instance_uuid', reads)
    assert nova_api.delete('/servers/%s' % server_id).status_int == 204
    assert reads == []
    nova_api.wait_for_gone(server_id)


def test_another_projects_server_is_not_found_in_the_only_cell(
        nova_api, server_id):
    stranger = nova_api.as_user('someone', 'another-project')
    response = stranger.delete('/servers/%s' % server_id)
    assert response.status_int == 404
    assert 'itemNotFound' in response.json
    assert nova_api.get('/servers/%s' % server_id).json[
        'server']['status'] == 'ACTIVE'


def test_an_unknown_server_is_not_found(nova_api, server_id):
    response = nova_api.delete(
        '/servers/00000000-0000-0000-0000-00000000dead')
    assert response.status_int == 404


WAIT = 20  # seconds a held step waits at most (a test never hangs)


def _create_servers(nova_api, count):
    flavor = nova_api.create_flavor()['id']
    ids = [nova_api.create_server(flavor, name='vm%d' % i)['id']
           for i in range(count)]
    for server_id in ids:
        nova_api.wait_for_status(server_id, 'ACTIVE')
    return ids


def _assert_released(nova_stack, server_id):
    placement = direct.Placement(nova_stack.conf)
    ctx = nova_context.get_admin_context()
    assert placement.get_allocations(ctx, server_id)['allocations'] == {}
    mapping = objects.InstanceMapping.get_by_instance_uuid(ctx, server_id)
    assert mapping.queued_for_delete


@pytest.fixture
def cell_writes(monkeypatch):
    """[[instance uuid, ...]] of every batched soft delete."""
    calls = []
    original = objects.Instance.destroy_many

    def recorded(cls, context, uuids):
        calls.append(sorted(uuids))
        return original(context, uuids)
    monkeypatch.setattr(objects.Instance, 'destroy_many',
                        classmethod(recorded))
    return calls


@pytest.fixture
def handled(monkeypatch):
    """[instance uuid, ...] of every destroy the queue handled (once per
    cast), appended after its batch ended."""
    uuids = []
    original = batching.LingeringQueue._handle_batch

    def recorded(self, batch):
        original(self, batch)
        if isinstance(self, deletion.DestroyQueue):
            uuids.extend(uuid for _, uuid, _, _ in batch)
    monkeypatch.setattr(batching.LingeringQueue, '_handle_batch', recorded)
    return uuids


def test_a_stream_of_deletes_ends_in_one_cell_transaction(
        monkeypatch, nova_stack, nova_api, cell_writes):
    server_ids = _create_servers(nova_api, 4)
    queue_holds.hold_next_batch(monkeypatch, deletion.DestroyQueue,
                                len(server_ids))
    for server_id in server_ids:
        assert nova_api.delete('/servers/%s' % server_id).status_int == 204
    for server_id in server_ids:
        nova_api.wait_for_gone(server_id)
        _assert_released(nova_stack, server_id)
    assert cell_writes == [sorted(server_ids)]


def test_a_lone_delete_does_not_linger(monkeypatch, nova_stack, nova_api):
    server_id, = _create_servers(nova_api, 1)
    monkeypatch.setattr(deletion.DestroyQueue, 'linger', 3600.0)  # hangs
    # Longer than a stream's gap since any other destroy of this module.
    time.sleep(deletion.DestroyQueue.stream_gap * 1.5)
    assert nova_api.delete('/servers/%s' % server_id).status_int == 204
    nova_api.wait_for_gone(server_id)
    _assert_released(nova_stack, server_id)


def test_an_instance_destroyed_twice_is_fine(
        caplog, nova_stack, nova_api, server_id, cell_writes, handled):
    caplog.set_level(logging.ERROR)
    assert nova_api.delete('/servers/%s' % server_id).status_int == 204
    nova_api.wait_for_gone(server_id)
    with _cell_context(server_id) as cctxt:
        deleted = cctxt.elevated(read_deleted='yes')
        before = objects.Instance.get_by_uuid(deleted, server_id)
    # The compute's cast again, twice (in one batch or two).
    conductor = conductor_rpcapi.ComputeTaskAPI(nova_stack.conf)
    ctx = nova_context.get_admin_context()
    conductor.destroy_instance(ctx, server_id)
    conductor.destroy_instance(ctx, server_id)
    deadline = time.monotonic() + WAIT
    while handled.count(server_id) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert handled.count(server_id) == 3
    with _cell_context(server_id) as cctxt:
        after = objects.Instance.get_by_uuid(
            cctxt.elevated(read_deleted='yes'), server_id)
    assert (after.deleted, after.vm_state) == (True, 'deleted')
    assert after.deleted_at == before.deleted_at
    _assert_released(nova_stack, server_id)
    assert [c for c in cell_writes if server_id in c]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def _lose_terminates(monkeypatch):
    """Terminate casts reach nobody, as when the compute or the conductor
    died with the delete in hand; returns the instances cast."""
    sent = []
    monkeypatch.setattr(compute_manager.ComputeManager, 'terminate_instance',
                        lambda self, context, instance: sent.append(
                            instance.uuid))
    return sent


def _deleting_since(server_id, seconds):
    table = instances_db.INSTANCES
    with _cell_context(server_id) as cctxt, \
            engines.main_writer(cctxt) as session:
        since = session.execute(sa.select(table.c.updated_at).where(
            table.c.uuid == server_id,
            table.c.task_state == 'deleting')).scalar_one()
        session.execute(table.update().where(
            table.c.uuid == server_id).values(
                updated_at=since - datetime.timedelta(seconds=seconds)))


def _wait_sent(sent, count):
    deadline = time.monotonic() + WAIT
    while len(sent) < count and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.1)  # room for a cast that should not come
    return sent


def test_a_second_delete_soon_after_the_first_sends_nothing(
        monkeypatch, nova_api, server_id):
    sent = _lose_terminates(monkeypatch)
    assert nova_api.delete('/servers/%s' % server_id).status_int == 204
    assert nova_api.delete('/servers/%s' % server_id).status_int == 204
    assert _wait_sent(sent, 1) == [server_id]


def test_a_delete_stuck_in_deleting_is_sent_again(
        monkeypatch, nova_api, server_id):
    sent = _lose_terminates(monkeypatch)
    assert nova_api.delete('/servers/%s' % server_id).status_int == 204
    assert _wait_sent(sent, 1) == [server_id]
    monkeypatch.undo()  # the compute answers again
    _deleting_since(server_id, compute_api.RESEND_DELETE_AFTER + 1)
    assert nova_api.delete('/servers/%s' % server_id).status_int == 204
    nova_api.wait_for_gone(server_id)
