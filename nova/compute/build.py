"""The build workflow on a compute host.

The conductor hands the instance over in task_state spawning, with the
allocation the scheduler claimed in placement (the builds of one request
on this host come in one cast). A successful build writes once: ACTIVE,
compare-and-set on spawning, and its Success event on the create action
(``compute__do_build_and_run_instance``, from the start of the spawn), in
one cast to the conductor; builds ending together (a multi-create) share
one cast (:class:`ActiveWriter`). A failed spawn records its Error event,
cleans up the guest, frees what this host counted, and goes back to the
conductor with the alternates the scheduler chose: it reschedules the
build to one of them, or puts the instance in ERROR with a fault (and
frees the allocation) when none is left.
"""
import threading

from oslo_log import log as logging

from nova import exception
from nova.objects import base as objects_base
from nova.objects import fields
from nova.objects import instance_action

LOG = logging.getLogger(__name__)

# Nova's name, for a build that spawned as for one that failed.
_EVENT = instance_action.Events.BUILD


def build_and_run(context, host, driver, tracker, instance, image,
                  alternates=(), conductor=None, writer=None):
    started = objects_base.now()
    tracker.claim(instance)
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
    if writer is not None:
        writer.write(context, instance, started)
        return
    try:
        instance.save(expected_task_state=fields.TaskState.SPAWNING)
        instance_action.InstanceActionEvent.event_finish(
            context, instance.uuid, _EVENT, host, started)
    except exception.UnexpectedDeletingTaskStateError:
        # A delete arrived while we spawned; terminate_instance, queued on
        # the same lock, removes the guest.
        LOG.info('Instance %s was deleted while it spawned', instance.uuid)
    except exception.InstanceNotFound:
        # Deleted before the build began here (its terminate ran first):
        # nobody else will remove this guest.
        LOG.info('Instance %s was deleted before its build; removing the '
                 'guest', instance.uuid)
        discard(context, driver, tracker, instance)


# The fields a successful build writes (see ActiveWriter).
ACTIVE_FIELDS = ('power_state', 'vm_state', 'task_state', 'launched_at')


class ActiveWriter:
    """Sends the ACTIVE writes of this host's builds that spawned to the
    conductor: a cast, several builds in one when they end together (a
    multi-create).

    The conductor writes each compare-and-set on spawning, and records
    the build's event (when its spawn started, this host) on its create
    action in the same transaction. An instance found deleting is left to
    its terminate; one found gone (deleted with no terminate coming) is
    cast back here to lose its guest (``discard_build``). A build that
    finds no cast under way sends its write and those queued meanwhile.
    """

    def __init__(self, conductor, host=None):
        self._conductor = conductor
        self._host = host
        self._lock = threading.Lock()
        self._queued = []
        self._sending = False

    def write(self, context, instance, started=None):
        """started: when the spawn began (no event without it)."""
        values = {name: getattr(instance, name) for name in ACTIVE_FIELDS}
        values['launched_at'] = objects_base.naive(
            values['launched_at']).isoformat()
        if started is not None:
            started = objects_base.naive(started).isoformat()
        instance.obj_reset_changes(ACTIVE_FIELDS)
        with self._lock:
            self._queued.append((context, instance.uuid, values, started))
            send, self._sending = not self._sending, True
        if send:
            self._send_queued()

    def _send_queued(self):
        while True:
            with self._lock:
                batch, self._queued = self._queued, []
                if not batch:
                    self._sending = False
                    return
            try:
                # The context only reaches the database: any of the
                # batch's will do (each event goes on its instance's
                # create action, whatever the request).
                self._conductor.finish_builds(
                    batch[0][0],
                    {uuid: values for _, uuid, values, _ in batch},
                    host=self._host,
                    started={uuid: started for _, uuid, _, started in batch
                             if started is not None})
            except Exception:
                LOG.exception('Could not send the ACTIVE write of %s',
                              [uuid for _, uuid, _, _ in batch])


def discard(context, driver, tracker, instance):
    """Undo a build whose instance is gone: guest, claim, allocation."""
    try:
        driver.destroy(context, instance)
    except Exception:
        LOG.exception('Could not remove the guest of deleted instance %s',
                      instance.uuid)
    tracker.release(instance)
    tracker.free_allocations(instance)


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
        exc_text=details, details=message)
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

