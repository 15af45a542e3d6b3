"""The state table of server actions: who may start what, and where it lands.

One row per action: the vm_states and task_states it may start from, the
task_state it sets while it runs, and the vm_state it leaves on success
(``None``: the vm_state does not change). The API side calls :func:`begin`
(check, then a compare-and-set save, so of two concurrent actions only one
passes); the compute side calls :func:`finish` or :func:`fail` when its
driver work is over. ``doc/architecture/state-table.rst`` shows the table.
"""
import dataclasses

from oslo_log import log as logging

from nova import exception
from nova.objects import base as objects_base
from nova.objects import fields
from nova.objects import instance_action
from nova.virt import driver as virt_driver

LOG = logging.getLogger(__name__)

V, T, P = fields.VMState, fields.TaskState, fields.PowerState

# Nova's ALLOW_SOFT_REBOOT / ALLOW_HARD_REBOOT and task_states.ALLOW_REBOOT.
_SOFT_REBOOT_VM = (V.ACTIVE,)
_HARD_REBOOT_VM = (V.ACTIVE, V.STOPPED, V.PAUSED, V.SUSPENDED, V.ERROR)
_ALLOW_REBOOT_TASKS = (None, T.REBOOTING, T.REBOOTING_HARD, T.RESUMING,
                       T.UNPAUSING, T.PAUSING, T.SUSPENDING)
_IDLE = (None,)


@dataclasses.dataclass(frozen=True)
class Rule:
    """One row of the table."""
    method: str            # the name 409 messages use ("Cannot 'stop' ...")
    action: str            # the InstanceAction recorded for the request
    vm_states: tuple       # vm_states the action may start from
    task_states: tuple     # task_states it may start from (None: idle)
    task_state: str        # set while the action runs
    done_vm_state: str     # vm_state on success; None keeps the current one
    error_vm_state: str = None  # vm_state on failure; None keeps it

    def check(self, instance):
        """Raise InstanceInvalidState (409) unless instance may start."""
        if instance.vm_state not in self.vm_states:
            raise exception.InstanceInvalidState(
                method=self.method, instance_uuid=instance.uuid,
                attr='vm_state', state=instance.vm_state)
        if instance.task_state not in self.task_states:
            raise exception.InstanceInvalidState(
                method=self.method, instance_uuid=instance.uuid,
                attr='task_state', state=instance.task_state)


def _rule(method, action, vm_states, task_state, done, task_states=_IDLE,
          error=None):
    return Rule(method, action, tuple(vm_states), tuple(task_states),
                task_state, done, error)


TABLE = {
    'reboot': _rule('reboot', 'reboot', _SOFT_REBOOT_VM, T.REBOOTING,
                    V.ACTIVE, error=V.ERROR),
    'reboot_hard': _rule('reboot', 'reboot', _HARD_REBOOT_VM,
                         T.REBOOTING_HARD, V.ACTIVE,
                         task_states=_ALLOW_REBOOT_TASKS, error=V.ERROR),
    'stop': _rule('stop', 'stop', (V.ACTIVE, V.ERROR), T.POWERING_OFF,
                  V.STOPPED),
    'start': _rule('start', 'start', (V.STOPPED,), T.POWERING_ON, V.ACTIVE),
    'pause': _rule('pause', 'pause', (V.ACTIVE,), T.PAUSING, V.PAUSED),
    'unpause': _rule('unpause', 'unpause', (V.PAUSED,), T.UNPAUSING,
                     V.ACTIVE),
    'suspend': _rule('suspend', 'suspend', (V.ACTIVE,), T.SUSPENDING,
                     V.SUSPENDED),
    'resume': _rule('resume', 'resume', (V.SUSPENDED,), T.RESUMING,
                    V.ACTIVE),
    'rescue': _rule('rescue', 'rescue', (V.ACTIVE, V.STOPPED, V.ERROR),
                    T.RESCUING, V.RESCUED),
    'unrescue': _rule('unrescue', 'unrescue', (V.RESCUED,), T.UNRESCUING,
                      V.ACTIVE),
    # Resize: the vm_state on success is decided by the workflow (resized,
    # then active or stopped after a confirm or a revert).
    'resize': _rule('resize', 'resize', (V.ACTIVE, V.STOPPED),
                    T.RESIZE_PREP, V.RESIZED),
    'confirm_resize': _rule('confirmResize', 'confirmResize', (V.RESIZED,),
                            T.RESIZE_CONFIRMING, None),
    'revert_resize': _rule('revertResize', 'revertResize', (V.RESIZED,),
                           T.RESIZE_REVERTING, None),
    # createImage (nova.compute.snapshot): the vm_state never changes; the
    # compute walks the task_state on through the image_* states.
    'snapshot': _rule('createImage', 'createImage',
                      (V.ACTIVE, V.STOPPED, V.PAUSED, V.SUSPENDED),
                      T.IMAGE_SNAPSHOT_PENDING, None),
}

# The task_states a resize passes through, in order, on the hosts.
RESIZE_STEPS = (T.RESIZE_PREP, T.RESIZE_MIGRATING, T.RESIZE_MIGRATED,
                T.RESIZE_FINISH)

# Console output reads only; it is refused only while these run.
CONSOLE_REFUSED_TASK_STATES = (T.DELETING,)

# The vm_state that matches what the hypervisor says, for recovery.
VM_STATE_OF_POWER = {P.RUNNING: V.ACTIVE, P.PAUSED: V.PAUSED,
                     P.SUSPENDED: V.SUSPENDED, P.SHUTDOWN: V.STOPPED,
                     P.CRASHED: V.ERROR}


def rule_for(name):
    return TABLE[name]


# -- API side ----------------------------------------------------------------

def begin(context, instance, name, **changes):
    """Check the table, set the action's task_state, record the action.

    The save is a compare-and-set on the allowed vm_states and
    task_states, so of two concurrent requests only one passes; the loser
    gets the same 409 it would have had one moment later. ``changes`` are
    further fields saved in the same write.
    """
    rule = TABLE[name]
    rule.check(instance)
    instance.task_state = rule.task_state
    for key, value in changes.items():
        setattr(instance, key, value)
    try:
        instance.save(expected_vm_state=list(rule.vm_states),
                      expected_task_state=list(rule.task_states))
    except exception.UnexpectedTaskStateError:
        current = type(instance).get_by_uuid(context, instance.uuid,
                                             expected_attrs=[])
        rule.check(current)
        raise  # the row changed and back again: still a conflict
    instance_action.InstanceAction.action_start(context, instance.uuid,
                                                rule.action)
    return rule


# -- compute side -------------------------------------------------------------

def power_state_of(driver, instance):
    """What the hypervisor says now; NOSTATE when the guest is unknown.

    A hypervisor that cannot answer leaves the recorded power_state: the
    state must still be landed, or the task_state would stay forever.
    """
    try:
        return driver.get_info(instance).state
    except exception.InstanceNotFound:
        return P.NOSTATE
    except Exception:
        LOG.exception('Could not read the power state of %s', instance.uuid)
        return instance.power_state


def perform(context, host, driver, instance, name, capability, work,
            **finish_args):
    """Run one action's driver work on the compute and land its state.

    work() does the driver calls; a driver without ``capability`` or any
    error leaves the instance with a fault and no task_state (see fail).
    Returns whether the action succeeded.
    """
    started = now()
    try:
        virt_driver.require(driver, capability, instance.uuid)
        work()
    except Exception as exc:
        fail(context, host, driver, instance, name, started, exc)
        return False
    return finish(context, host, driver, instance, name, started,
                  **finish_args)


def finish(context, host, driver, instance, name, started, vm_state=None,
           expected_task_state=None, power_state=None, **changes):
    """Land a successful action: vm_state, power_state, no task_state.

    Returns False when someone else changed the instance meanwhile (a hard
    reboot over a soft one, a delete): their action owns it now.
    """
    rule = TABLE[name]
    instance.vm_state = vm_state or rule.done_vm_state or instance.vm_state
    instance.power_state = (power_state_of(driver, instance)
                            if power_state is None else power_state)
    instance.task_state = None
    for key, value in changes.items():
        setattr(instance, key, value)
    try:
        instance.save(expected_task_state=expected_task_state or
                      rule.task_state)
    except (exception.UnexpectedTaskStateError,
            exception.InstanceNotFound) as exc:
        LOG.info('%s of %s overtaken: %s', name, instance.uuid, exc)
        return False
    _event(context, host, instance, name, started)
    return True


def fail(context, host, driver, instance, name, started, exc,
         vm_state=None, expected_task_state=None, **changes):
    """Land a failed action: a fault, no task_state, a sane vm_state."""
    rule = TABLE[name]
    LOG.error('%s of instance %s failed: %s', name, instance.uuid, exc,
              exc_info=not isinstance(exc, exception.NovaException))
    message = exc.format_message() if isinstance(
        exc, exception.NovaException) else str(exc) or type(exc).__name__
    details = instance_action.InstanceActionEvent.format_exception(exc)
    code = getattr(exc, 'code', 500)
    instance.add_fault(code=code if isinstance(code, int) else 500,
                       message=message, details=details, host=host)
    instance.vm_state = vm_state or rule.error_vm_state or instance.vm_state
    instance.power_state = power_state_of(driver, instance)
    instance.task_state = None
    for key, value in changes.items():
        setattr(instance, key, value)
    try:
        instance.save(expected_task_state=expected_task_state or
                      rule.task_state)
    except (exception.UnexpectedTaskStateError,
            exception.InstanceNotFound):
        return
    _event(context, host, instance, name, started, exc_text=details,
           details=message)


# Nova's event names where they are not "compute_<action>_instance".
_EVENT_NAMES = {'reboot_hard': 'compute_reboot_instance',
                'confirm_resize': 'compute_confirm_resize',
                'revert_resize': 'compute_revert_resize'}


def _event(context, host, instance, name, started, exc_text=None,
           details=None):
    """exc_text: the traceback (admins); details: the fault's message
    (2.84), as Nova records them."""
    instance_action.InstanceActionEvent.event_finish(
        context, instance.uuid,
        _EVENT_NAMES.get(name, 'compute_%s_instance' % name), host, started,
        result='Error' if exc_text else 'Success', exc_text=exc_text,
        details=details)


def now():
    return objects_base.now()
