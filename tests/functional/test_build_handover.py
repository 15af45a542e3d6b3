"""The conductor hands a build to its compute in task_state spawning; the
compute writes once (ACTIVE), spawns nothing for a server whose delete
overtook the build, and removes the guest of a server gone meanwhile.

The whole in-process stack with the fake driver; a build is held at one
step with an event (a wrapper around the real method), never replaced.
"""
import threading
import time

import pytest

from nova.compute import build
from nova.compute import manager as compute_manager
from nova.conductor import manager as conductor_manager
from nova import context as nova_context
from nova import objects
from nova.placement import direct
from nova.virt import fake

WAIT = 20  # seconds a held step waits at most (a test never hangs)


class Gate:
    """Holds the calls of one instance at a wrapped step until opened."""

    def __init__(self):
        self.instance_uuid = None  # set once the server exists
        self.reached = threading.Event()
        self.opened = threading.Event()
        self.passed = threading.Event()

    def wrap(self, original, instance_arg):
        gate = self

        def held(*args, **kwargs):
            instance = args[instance_arg]
            if not gate._is_ours(instance.uuid):
                return original(*args, **kwargs)
            gate.reached.set()
            gate.opened.wait(WAIT)
            try:
                return original(*args, **kwargs)
            finally:
                gate.passed.set()
        return held

    def _is_ours(self, instance_uuid):
        deadline = time.monotonic() + WAIT
        while self.instance_uuid is None and time.monotonic() < deadline:
            time.sleep(0.01)  # the POST has not returned yet
        return instance_uuid == self.instance_uuid

    def wait_reached(self):
        assert self.reached.wait(WAIT), 'the build never got here'

    def open_and_wait(self):
        self.opened.set()
        assert self.passed.wait(WAIT), 'the held step never finished'


@pytest.fixture
def gate():
    gate = Gate()
    yield gate
    gate.opened.set()  # never leave a build thread waiting


@pytest.fixture
def flavor(nova_api):
    return nova_api.create_flavor()['id']


@pytest.fixture
def spawned(monkeypatch):
    """Uuids the fake driver's spawn was called for."""
    uuids = []
    original = fake.FakeDriver.spawn

    def spawn(self, context, instance, image_meta):
        uuids.append(instance.uuid)
        return original(self, context, instance, image_meta)
    monkeypatch.setattr(fake.FakeDriver, 'spawn', spawn)
    return uuids


def _create(nova_api, gate, flavor):
    server = nova_api.create_server(flavor, name='handover')
    gate.instance_uuid = server['id']
    return server['id']


def _cell_instance(instance_uuid):
    ctx = nova_context.get_admin_context()
    mapping = objects.InstanceMapping.get_by_instance_uuid(ctx,
                                                           instance_uuid)
    assert mapping.cell_mapping is not None, 'not in a cell yet'
    with nova_context.target_cell(ctx, mapping.cell_mapping) as cctxt:
        return objects.Instance.get_by_uuid(cctxt, instance_uuid)


def _guests(nova_stack):
    """Uuids of the guests every fake compute runs."""
    return {uuid for svc in nova_stack.services.services
            if svc.binary == 'nova-compute'
            for uuid in svc.manager.driver.list_instance_uuids()}


def _wait_allocations_freed(nova_stack, instance_uuid, timeout=10):
    placement = direct.Placement(nova_stack.conf)
    ctx = nova_context.get_admin_context()
    deadline = time.monotonic() + timeout
    while True:  # the compute gathers frees for a moment before sending
        held = placement.get_allocations(ctx, instance_uuid)['allocations']
        if not held or time.monotonic() > deadline:
            return held
        time.sleep(0.05)


def test_the_instance_is_spawning_in_its_cell_before_the_compute_acts(
        monkeypatch, nova_api, gate, flavor):
    monkeypatch.setattr(build, 'build_and_run',
                        gate.wrap(build.build_and_run, 4))
    server_id = _create(nova_api, gate, flavor)
    gate.wait_reached()  # on its host; the compute has done nothing yet
    assert _cell_instance(server_id).task_state == 'spawning'
    shown = nova_api.get('/servers/%s' % server_id).json['server']
    assert (shown['status'], shown['OS-EXT-STS:task_state']) == (
        'BUILD', 'spawning')
    assert shown['OS-EXT-SRV-ATTR:host']
    gate.open_and_wait()
    shown = nova_api.wait_for_status(server_id, 'ACTIVE')
    assert shown['OS-EXT-STS:task_state'] is None


def test_a_successful_build_writes_the_instance_once(
        monkeypatch, nova_api, flavor):
    calls = []
    original = conductor_manager.ConductorManager.object_class_action_versions

    def recorded(self, context, objname, objmethod, object_versions, args,
                 kwargs):
        calls.append((objname, objmethod, list(args)))
        return original(self, context, objname, objmethod, object_versions,
                        args, kwargs)
    monkeypatch.setattr(conductor_manager.ConductorManager,
                        'object_class_action_versions', recorded)
    writes_sent = []
    original_finish = conductor_manager.ComputeTaskManager.finish_builds

    def finish(self, context, finished, **event):   # host, started
        writes_sent.append(dict(finished))
        return original_finish(self, context, finished, **event)
    monkeypatch.setattr(conductor_manager.ComputeTaskManager,
                        'finish_builds', finish)
    server_id = nova_api.create_server(flavor, name='one-write')['id']
    nova_api.wait_for_status(server_id, 'ACTIVE')
    time.sleep(0.5)  # a write after ACTIVE would count too
    # No object call of the compute is about this instance: its one write
    # is the ACTIVE one, compare-and-set on spawning.
    assert not [c for c in calls if server_id in c[2]]
    writes = [b[server_id] for b in writes_sent if server_id in b]
    assert len(writes) == 1
    assert writes[0]['vm_state'] == 'active'
    assert writes[0]['task_state'] is None
    assert writes[0]['launched_at']


def test_a_delete_that_overtakes_the_build_leaves_nothing(
        monkeypatch, nova_stack, nova_api, gate, flavor, spawned):
    # The build cast has reached the compute but waits for a build
    # thread; the delete's terminate runs first.
    monkeypatch.setattr(
        compute_manager.ComputeManager, '_locked_build',
        gate.wrap(compute_manager.ComputeManager._locked_build, 2))
    server_id = _create(nova_api, gate, flavor)
    gate.wait_reached()
    assert nova_api.delete('/servers/%s' % server_id).status_int == 204
    nova_api.wait_for_gone(server_id)
    gate.open_and_wait()
    assert server_id not in spawned
    assert server_id not in _guests(nova_stack)
    assert _wait_allocations_freed(nova_stack, server_id) == {}
    assert nova_api.get('/servers/%s' % server_id).status_int == 404


def test_an_instance_gone_when_its_spawn_ends_loses_its_guest(
        monkeypatch, nova_stack, nova_api, gate, flavor):
    # Its row is deleted while the guest spawns, and no terminate comes
    # (as when the compute forgot the delete it ran): the final save
    # finds no instance, and the build itself must clean up.
    monkeypatch.setattr(fake.FakeDriver, 'spawn',
                        gate.wrap(fake.FakeDriver.spawn, 2))
    server_id = _create(nova_api, gate, flavor)
    gate.wait_reached()
    _cell_instance(server_id).destroy()
    gate.open_and_wait()
    deadline = time.monotonic() + 10
    while server_id in _guests(nova_stack) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server_id not in _guests(nova_stack)
    assert _wait_allocations_freed(nova_stack, server_id) == {}
