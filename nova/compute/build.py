"""The build workflow on a compute host.

scheduling -> spawning -> active. The scheduler has claimed the instance's
allocation in placement already. A failed spawn cleans up the guest, frees
what this host counted, and goes back to the conductor with the alternates
the scheduler chose: it reschedules the build to one of them, or puts the
instance in ERROR with a fault (and frees the allocation) when none is
left. Two saves per successful build, each one round trip to the
conductor.
"""
from oslo_log import log as logging

from nova import exception
from nova.objects import base as objects_base
from nova.objects import fields
from nova.objects import instance_action

LOG = logging.getLogger(__name__)

_EVENT = 'compute_build_and_run_instance'


def build_and_run(context, host, driver, tracker, instance, image,
                  alternates=(), conductor=None):
    instance.task_state = fields.TaskState.SPAWNING
    try:
        instance.save(expected_task_state=[fields.TaskState.SCHEDULING,
                                           None])
    except (exception.UnexpectedDeletingTaskStateError,
            exception.InstanceNotFound):
        LOG.info('Instance %s was deleted before its build started',
                 instance.uuid)
        tracker.free_allocations(instance)
        return
    tracker.claim(instance)
    started = objects_base.now()
    try:
        driver.spawn(context, instance, image)
    except Exception as exc:
        _fail(context, host, driver, tracker, instance, exc, started,
              alternates, image, conductor)
        return
    tracker.build_finished(instance, succeeded=True)
    instance.power_state = fields.PowerState.RUNNING
    instance.vm_state = fields.VMState.ACTIVE
    instance.task_state = None
    instance.launched_at = objects_base.now()
    try:
        instance.save(expected_task_state=fields.TaskState.SPAWNING)
    except (exception.UnexpectedDeletingTaskStateError,
            exception.InstanceNotFound):
        # A delete arrived while we spawned; terminate_instance, queued on
        # the same lock, removes the guest.
        LOG.info('Instance %s was deleted while it spawned', instance.uuid)


def _fail(context, host, driver, tracker, instance, exc, started,
          alternates, image, conductor):
    LOG.error('Build of instance %s failed: %s', instance.uuid, exc,
              exc_info=not isinstance(exc, exception.NovaException))
    tracker.build_finished(instance, succeeded=False)
    tracker.release(instance)
    message = exc.format_message() if isinstance(
        exc, exception.NovaException) else str(exc) or type(exc).__name__
    details = instance_action.InstanceActionEvent.format_exception(exc)
    try:
        driver.destroy(context, instance)  # leave nothing for the next try
    except Exception:
        LOG.exception('Could not clean up the failed build of %s',
                      instance.uuid)
    instance_action.InstanceActionEvent.event_finish(
        context, instance.uuid, _EVENT, host, started, result='Error',
        exc_text=details)
    if conductor is not None:
        # The conductor reschedules, or records the fault and frees the
        # allocation when no alternate is left.
        conductor.build_failed(context, instance.uuid, host,
                               list(alternates or ()), image, message,
                               details)
        return
    instance.add_fault(code=getattr(exc, 'code', 500), message=message,
                       details=details, host=host)
    instance.vm_state = fields.VMState.ERROR
    instance.task_state = None
    instance.power_state = fields.PowerState.NOSTATE
    try:
        instance.save(expected_task_state=fields.TaskState.SPAWNING)
    except (exception.UnexpectedDeletingTaskStateError,
            exception.InstanceNotFound):
        return

