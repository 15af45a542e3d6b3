"""A compute that restarts in the middle of server actions: each instance
ends in a state of the table with no task_state, never stuck.

The crash is modelled as Nova's tests do: the compute service is stopped,
the instance rows are put where a crash would have left them, and the
compute starts again (its fake hypervisor keeps its guests, as a real one
does).
"""
import uuid

import pytest

from nova import context as nova_context
from nova import embedded
from nova import objects
from nova.placement import direct
from tests.functional import conftest

HOST = 'survivor'


@pytest.fixture(scope='module')
def stack(tmp_path_factory):
    stack = conftest.Stack(tmp_path_factory.mktemp('restart'),
                           computes=(HOST,), allow_resize_to_same_host=True)
    yield stack
    stack.stop()


def _act(client, server_id, body):
    resp = client.post('/servers/%s/action' % server_id, body)
    assert resp.status_int in (200, 202, 204), resp.text


def _compute(stack):
    return [s for s in stack.services.services
            if s.binary == 'nova-compute' and s.host == HOST][0]


def _restart(stack, crash):
    """Stop the compute, let crash() edit the database, start it again."""
    compute = _compute(stack)
    compute.stop()
    stack.services.services.remove(compute)
    crash()
    stack.services.services.append(embedded.start_compute(stack.conf, HOST))


def _in_cell(server_id, fn):
    ctx = nova_context.get_admin_context()
    mapping = objects.InstanceMapping.get_by_instance_uuid(ctx, server_id)
    with nova_context.target_cell(ctx, mapping.cell_mapping) as cctxt:
        return fn(cctxt)


def _set_states(server_id, vm_state, task_state):
    def change(cctxt):
        instance = objects.Instance.get_by_uuid(cctxt, server_id)
        instance.vm_state = vm_state
        instance.task_state = task_state
        instance.save()
    _in_cell(server_id, change)


def _migration(server_id):
    return _in_cell(server_id, lambda c: objects.MigrationList
                    .get_by_instance(c, server_id).objects[0])


def test_restart_finishes_or_settles_every_action(stack):
    api = conftest.ApiClient(stack.app)
    small = api.create_flavor(name='s-' + uuid.uuid4().hex[:6])['id']
    big = api.create_flavor(name='b-' + uuid.uuid4().hex[:6], ram=256,
                            disk=2)['id']
    names = ('stopping', 'starting', 'rebooting', 'pausing', 'suspending',
             'migrating', 'confirming')
    ids = {}
    for name in names:
        ids[name] = api.create_server(small, name=name)['id']
    for server_id in ids.values():
        api.wait_for_status(server_id, 'ACTIVE')
    # Real actions first where the guest must already be in its new state.
    _act(api, ids['starting'], {'os-stop': None})
    _act(api, ids['suspending'], {'suspend': None})
    _act(api, ids['confirming'], {'resize': {'flavorRef': big}})
    api.wait_for_status(ids['starting'], 'SHUTOFF')
    api.wait_for_status(ids['suspending'], 'SUSPENDED')
    api.wait_for_status(ids['confirming'], 'VERIFY_RESIZE')
    placement = direct.Placement(stack.conf)
    admin_ctx = nova_context.get_admin_context()
    moved_to = str(uuid.uuid4())
    driver = _compute(stack).manager.driver
    migrating = _in_cell(ids['migrating'], lambda c: objects.Instance
                         .get_by_uuid(c, ids['migrating']))

    def crash():
        _set_states(ids['stopping'], 'active', 'powering-off')
        _set_states(ids['starting'], 'stopped', 'powering-on')
        _set_states(ids['rebooting'], 'active', 'rebooting')
        _set_states(ids['pausing'], 'active', 'pausing')
        _set_states(ids['suspending'], 'active', 'suspending')
        _set_states(ids['confirming'], 'resized', 'resize_confirming')
        confirming = _migration(ids['confirming'])
        confirming.status = 'confirming'
        _in_cell(ids['confirming'], lambda c: _save(confirming, c))
        # The source had stopped the guest and the conductor had moved the
        # allocation to the migration when the crash came.
        _in_cell(ids['migrating'], lambda c: objects.Migration(
            c, uuid=moved_to, instance_uuid=ids['migrating'],
            source_compute=HOST, dest_compute=HOST, source_node=HOST,
            dest_node=HOST, status='migrating', migration_type='resize',
            old_instance_type_id=1, new_instance_type_id=2).create())
        placement.move_allocations(admin_ctx, ids['migrating'], moved_to)
        driver.power_off(migrating)
        _set_states(ids['migrating'], 'active', 'resize_migrating')

    _restart(stack, crash)
    expected = {'stopping': 'SHUTOFF', 'starting': 'ACTIVE',
                'rebooting': 'ACTIVE', 'pausing': 'ACTIVE',
                'suspending': 'SUSPENDED', 'migrating': 'ACTIVE',
                'confirming': 'ACTIVE'}
    for name, status in expected.items():
        server = api.wait_for_status(ids[name], status)
        assert server['OS-EXT-STS:task_state'] is None, name
    assert api.get('/servers/%s' % ids['migrating']).json['server'][
        'OS-EXT-STS:power_state'] == 1
    assert _migration(ids['migrating']).status == 'error'
    assert placement.get_allocations(admin_ctx, moved_to)[
        'allocations'] == {}
    assert placement.get_allocations(admin_ctx, ids['migrating'])[
        'allocations']
    assert _migration(ids['confirming']).status == 'confirmed'
    confirmed = api.get('/servers/%s' % ids['confirming']).json['server']
    assert confirmed['flavor']['id'] == big
    output = api.post('/servers/%s/action' % ids['rebooting'],
                      {'os-getConsoleOutput': {}}).json['output']
    assert output.count('FAKE-GUEST BOOTED') == 2


def _save(migration, cctxt):
    migration._context = cctxt
    migration.save()
