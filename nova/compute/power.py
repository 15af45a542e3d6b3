"""Power workflows on a compute host: stop, start, reboot, pause, suspend.

Each function runs under the instance's lock (taken by the manager) with
the action's task_state already set by the API, and lands the instance in
the state table's end state, or with a fault and no task_state.
"""
from nova.compute import resize
from nova.compute import states
from nova import exception
from nova.objects import fields

P_NAMES = fields.PowerState.NAMES


def stop(context, host, driver, conf, instance, clean_shutdown=True):
    timeout = conf.shutdown_timeout if clean_shutdown else 0

    def work():
        driver.power_off(instance, timeout, conf.shutdown_retry_interval)
    return states.perform(context, host, driver, instance, 'stop', 'power',
                          work)


def start(context, host, driver, instance):
    return states.perform(context, host, driver, instance, 'start', 'power',
                          lambda: driver.power_on(context, instance))


def reboot(context, host, driver, instance, reboot_type):
    """SOFT falls back to HARD inside the driver when the guest ignores it.
    """
    name = 'reboot' if reboot_type == 'SOFT' else 'reboot_hard'
    # A hard reboot may overtake a soft one still running (the API lets
    # it): the soft one then finds rebooting_hard and leaves the instance
    # to it.
    return states.perform(
        context, host, driver, instance, name, 'power',
        lambda: driver.reboot(context, instance, reboot_type))


def pause(context, host, driver, instance):
    return states.perform(context, host, driver, instance, 'pause', 'pause',
                          lambda: driver.pause(instance))


def unpause(context, host, driver, instance):
    return states.perform(context, host, driver, instance, 'unpause',
                          'pause', lambda: driver.unpause(instance))


def suspend(context, host, driver, instance):
    return states.perform(context, host, driver, instance, 'suspend',
                          'suspend', lambda: driver.suspend(context, instance))


def resume(context, host, driver, instance):
    return states.perform(context, host, driver, instance, 'resume',
                          'suspend', lambda: driver.resume(context, instance))


# -- recovery at start-up -----------------------------------------------------

_REDO = {states.T.POWERING_OFF: 'stop', states.T.POWERING_ON: 'start',
         states.T.REBOOTING: 'reboot_hard',
         states.T.REBOOTING_HARD: 'reboot_hard'}
# task_state -> the table's row of the action it belongs to.
_SETTLE = {states.T.PAUSING: 'pause', states.T.UNPAUSING: 'unpause',
           states.T.SUSPENDING: 'suspend', states.T.RESUMING: 'resume',
           states.T.RESCUING: 'rescue', states.T.UNRESCUING: 'unrescue'}
RECOVERED_TASK_STATES = (tuple(_REDO) + tuple(_SETTLE) +
                         states.RESIZE_STEPS + (states.T.RESIZE_REVERTING,
                                                states.T.RESIZE_CONFIRMING))


def recover(context, mgr, instance):
    """Finish or settle an action a crash of this host interrupted.

    Stop, start and reboots are done again (a reboot as a hard one, which
    works from any state). Pause, suspend, rescue and their inverses are
    settled on what the hypervisor says now (task_state cleared, the
    vm_state matching the guest's power state, a fault). Snapshots are
    nova.compute.snapshot's.
    Resize steps go to :func:`nova.compute.resize.recover`.
    """
    state = instance.task_state
    driver = mgr.driver
    if state in _REDO:
        name = _REDO[state]
        if name == 'reboot_hard' and state == states.T.REBOOTING:
            instance.task_state = states.T.REBOOTING_HARD
            instance.save(expected_task_state=state)
        if name == 'stop':
            return stop(context, mgr.host, driver, mgr.conf, instance)
        if name == 'start':
            return start(context, mgr.host, driver, instance)
        return reboot(context, mgr.host, driver, instance, 'HARD')
    if state in _SETTLE:
        return _settle(context, mgr, instance)
    return resize.recover(context, mgr, instance)


def _settle(context, mgr, instance):
    power = states.power_state_of(mgr.driver, instance)
    rescued = getattr(mgr.driver, 'is_rescued', lambda i: False)(instance)
    vm_state = states.VM_STATE_OF_POWER.get(power, states.V.ERROR)
    if rescued and vm_state == states.V.ACTIVE:
        vm_state = states.V.RESCUED
    name = _SETTLE[instance.task_state]
    exc = exception.InstanceFaultRollback(
        inner_exception='the compute service restarted during %s; the '
                        'guest is %s' % (name, P_NAMES.get(power, power)))
    states.fail(context, mgr.host, mgr.driver, instance, name,
                states.now(), exc, vm_state=vm_state, power_state=power,
                expected_task_state=instance.task_state)
