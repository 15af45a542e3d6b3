"""DELETE /servers/{id} reads a brief instance (a few columns), casts it
to the compute, and the compute ends the delete with one cast to the
conductor, which frees its allocations and marks it deleted.

The whole in-process stack with the fake driver; calls are recorded by
wrapping the real methods, never replacing them.
"""
import pytest

from nova.compute import manager as compute_manager
from nova.conductor import manager as conductor_manager
from nova import context as nova_context
from nova.db.main import instances as instances_db
from nova import exception
from nova import objects
from nova.placement import direct


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
    assert destroys == [((), {'instance_uuid': server_id})]
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
