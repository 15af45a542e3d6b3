"""The end of a server delete, on behalf of the compute that removed its
guest: one cast to the conductor instead of an object call and a cast.

In one API-database transaction the instance's placement allocations go
and its mapping is marked queued_for_delete; then its row is marked deleted
in its cell. In that order, whoever sees the server gone sees its group
membership and usage gone too. nova-api leaves the mapping's mark to this
step when a compute finishes the delete, so the DELETE request commits only
in the cell. A conductor dying between the two leaves the instance
``deleting``: its compute finishes the delete again when it restarts.
"""
from nova.db import engines
from nova import exception
from nova import objects
from nova.placement.store import allocations as alloc_store


def destroy_instance(context, instance_uuid):
    release_api_records(context, [instance_uuid])
    try:
        objects.Instance(context, uuid=instance_uuid).destroy()
    except exception.InstanceNotFound:
        pass  # someone else finished the delete: nothing left to do


@engines.retry_if_locked
def release_api_records(context, instance_uuids):
    """Free the allocations of deleted instances and mark their mappings
    queued_for_delete, in one API-database transaction."""
    with engines.api_writer(context) as session:
        alloc_store.delete_consumers(session, list(instance_uuids))
        objects.InstanceMappingList.queue_for_delete_many(context,
                                                          instance_uuids)
