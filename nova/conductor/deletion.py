"""The end of a server delete, on behalf of the compute that removed its
guest: one cast to the conductor instead of an object call and a cast.

The conductor queues these casts and ends the deletes in batches (a
stream of them lingers a moment for the next, as builds do; see
nova.conductor.batching): in one API-database transaction the batch's
placement allocations go and its mappings are marked queued_for_delete;
then its rows are marked deleted, in one transaction per cell database,
which also records each compute's compute_terminate_instance event on the
delete action nova-api recorded (one INSERT for the batch).
In that order, whoever sees a server gone sees its group membership and
usage gone too. nova-api leaves the mapping's mark to this step when a
compute finishes the delete, so the DELETE request commits only in the
cell. A conductor dying with deletes queued or between the two steps
leaves those instances ``deleting``: their compute finishes the delete
again when it restarts. A stopping conductor ends what it has queued.
"""
import collections

from oslo_log import log as logging

from nova.conductor import batching
from nova import context as nova_context
from nova.db import engines
from nova import objects
from nova.objects import instance_action
from nova.placement.store import allocations as alloc_store

LOG = logging.getLogger(__name__)


class DestroyQueue(batching.LingeringQueue):
    """destroy_instance casts, ended in batches (destroy_many).

    A batch costs the conductor two transactions (one more per other
    cell) whatever its size; sequential DELETE requests arrive every
    12-15 ms, so lingering 20 ms for a stream's next ones divides that
    cost by two or three.
    """

    linger = 0.02

    def __init__(self):
        super().__init__(destroy_many, 'destroy-queue',
                         describe=lambda item: item[1])

    def put(self, context, instance_uuid, host=None, started=None):
        super().put((context, instance_uuid, host, started))


def destroy_many(destroys):
    """End the deletes of [(request context, instance uuid, host, when the
    terminate started or None)]: API records first, then each cell's rows
    and events, one transaction each."""
    uuids = list(dict.fromkeys(uuid for _, uuid, _, _ in destroys))
    release_api_records(nova_context.get_admin_context(), uuids)
    # A compute's context targets no cell: the cell is this conductor's
    # [database], unless a caller targeted one.
    by_cell = collections.defaultdict(list)
    for destroy in destroys:
        by_cell[engines.main_manager(destroy[0])].append(destroy)
    for cell_destroys in by_cell.values():
        context = cell_destroys[0][0]
        _mark_deleted(context, [uuid for _, uuid, _, _ in cell_destroys],
                      {uuid: (started, host)
                       for _, uuid, host, started in cell_destroys
                       if started is not None})


@engines.retry_if_locked
def _mark_deleted(context, uuids, terminated):
    """Mark the instances deleted and record the terminate events
    (terminated: {uuid: (start, host)}) of those not deleted yet, in one
    transaction."""
    uuids = set(uuids)
    with engines.main_writer(context):
        if terminated:
            instance_action.InstanceActionEvent.finish_many(
                context, instance_action.Actions.DELETE,
                instance_action.Events.TERMINATE, terminated,
                live_only=True)
        marked = objects.Instance.destroy_many(context, uuids)
    if marked < len(uuids):
        # Someone else finished those deletes: nothing left to do.
        LOG.debug('%d of %d instances were deleted already',
                  len(uuids) - marked, len(uuids))


@engines.retry_if_locked
def release_api_records(context, instance_uuids):
    """Free the allocations of deleted instances and mark their mappings
    queued_for_delete, in one API-database transaction."""
    with engines.api_writer(context) as session:
        alloc_store.delete_consumers(session, list(instance_uuids))
        objects.InstanceMappingList.queue_for_delete_many(context,
                                                          instance_uuids)
