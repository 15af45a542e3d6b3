"""The power-state sync rules, on the fake driver's guests."""
import uuid

import pytest

from nova.compute import power_sync
from nova import conf as nova_conf
from nova import objects
from nova.objects import fields
from nova.objects import instance as instance_obj
from nova.virt import fake

P = fields.PowerState
V = fields.VMState


class Instance(instance_obj.Instance):
    """An Instance whose save() records instead of calling the conductor.
    """
    def save(self, expected_vm_state=None, expected_task_state=None):
        self.saved = (self.vm_state, self.power_state, expected_task_state)


@pytest.fixture
def driver():
    conf = nova_conf.build_conf(overrides={
        'transport_url': 'fake://%s/' % uuid.uuid4().hex})
    return fake.FakeDriver(conf)


def make(driver, vm_state=V.ACTIVE, task_state=None, power=P.RUNNING):
    objects.register_all()
    flavor = objects.Flavor(name='t', memory_mb=64, vcpus=1, root_gb=1,
                            ephemeral_gb=0, swap=0, flavorid='1')
    instance = Instance(uuid=str(uuid.uuid4()), display_name='vm',
                        flavor=flavor, vm_state=vm_state,
                        task_state=task_state, power_state=power)
    driver.spawn(None, instance, {})
    return instance


def test_a_guest_that_stopped_by_itself_is_recorded_stopped(driver):
    instance = make(driver)
    driver.power_off(instance)
    assert power_sync.sync_instance(driver, instance) == {
        'power_state': P.SHUTDOWN, 'vm_state': V.STOPPED}
    assert instance.saved == (V.STOPPED, P.SHUTDOWN, [None])


def test_a_vanished_guest_is_recorded_stopped_with_no_state(driver):
    instance = make(driver)
    driver.destroy(None, instance)
    changes = power_sync.sync_instance(driver, instance)
    assert changes == {'power_state': P.NOSTATE, 'vm_state': V.STOPPED}


def test_a_stopped_instance_whose_guest_runs_is_powered_off(driver):
    instance = make(driver, vm_state=V.STOPPED, power=P.SHUTDOWN)
    assert driver.get_info(instance).state == P.RUNNING
    assert power_sync.sync_instance(driver, instance) == {
        'power_state': P.SHUTDOWN}
    assert driver.get_info(instance).state == P.SHUTDOWN


def test_instances_in_an_action_or_in_sync_are_left_alone(driver):
    busy = make(driver, task_state=fields.TaskState.REBOOTING)
    driver.power_off(busy)
    assert power_sync.sync_instance(driver, busy) == {}
    calm = make(driver)
    assert power_sync.sync_instance(driver, calm) == {}
    assert not hasattr(calm, 'saved')


def test_only_the_power_state_follows_a_paused_guest(driver):
    instance = make(driver)
    driver.pause(instance)
    assert power_sync.sync_instance(driver, instance) == {
        'power_state': P.PAUSED}


def test_events_are_queued_once_per_instance(driver):
    sync = power_sync.PowerStateSync('h', driver)
    sync.on_event('a', P.RUNNING)
    sync.on_event('a', P.SHUTDOWN)
    sync.on_event('b', P.RUNNING)
    assert sync._queue.qsize() == 2
