"""Deleting a service (DELETE /os-services/{service_id}), as Nova does.

Any service row may be deleted; for nova-conductor or nova-scheduler that
is all. A nova-compute service is refused with a 409 while its host still
has instances (in its cell), in-progress migrations (a resize waiting for
confirmation holds its source), or allocations on its resource providers.
Otherwise it takes along what the host left behind:

* its compute node rows (cell database), soft-deleted with the service row;
* its resource providers in placement, nested providers below them too;
* its host in every aggregate (the placement aggregates of a provider go
  with the provider) and its host mapping, so ``discover_hosts`` maps the
  host again if it comes back (API database; placement lives there too).

Two databases, so two transactions, one per database, in this order:

1. The API database: aggregate hosts, host mapping, providers. Placement
   refuses inside this transaction (a provider with allocations), so a
   refusal rolls it all back, and the cell has not been touched yet:
   nothing is written anywhere.
2. The cell database: the compute nodes and the service row.

If 2 fails after 1 committed, the service is still listed and deleting it
again finishes the job (every step of 1 finds nothing the second time). The
other order could leave providers and a host mapping that no API call
reaches any more.

A compute started again registers anew: a new service row, a new compute
node (with a new uuid) and provider, and discovery maps the host again; its
aggregates are not restored. As Nova's API reference says, stop nova-compute
before deleting its service: one still running keeps the compute node it
has in memory (and would re-create its provider when its inventory
changes), though it stops heartbeating into its deleted row
(``Service.heartbeat`` raises ServiceNotFound, which its loop logs). It is
whole again once restarted.
"""
from oslo_log import log as logging

from nova import context as nova_context
from nova.db import engines
from nova.db.main import services as cell_db
from nova import exception
from nova import objects
from nova.objects import aggregate as aggregate_obj
from nova.objects import host_mapping as host_mapping_obj
from nova.placement.store import providers as rp_store

LOG = logging.getLogger(__name__)
_MAX_ID = 2 ** 31  # service ids are INTEGER columns


class ServiceIdNotUnique(exception.Invalid):
    msg_fmt = 'Service id %(service_id)s refers to multiple services.'


class ComputeHostHasInstances(exception.Conflict):
    msg_fmt = ('Unable to delete compute service that is hosting '
               'instances. Migrate or delete the instances first.')


class ComputeHostHasMigrations(exception.Conflict):
    msg_fmt = ('Unable to delete compute service that has in-progress '
               'migrations. Complete the migrations or delete the '
               'instances first.')


class ComputeProviderInUse(exception.Conflict):
    msg_fmt = ('Unable to delete compute service of host %(host)s: '
               '%(reason)s')


def delete(context, uuid=None, service_id=None):
    """Delete the service with this uuid, or this integer id (before
    microversion 2.53: it must name one service of all the cells)."""
    cell, service = _find(context, uuid, service_id)
    compute = service.binary == 'nova-compute'
    with nova_context.target_cell(context, cell) as cctxt:
        if compute:
            node_uuids = _check_compute(cctxt, service)
            left = _forget_host(context, cell, service.host, node_uuids)
            LOG.info('Host %s removed from placement (providers %s), from '
                     'aggregates %s and from its cell mapping', service.host,
                     node_uuids, left)
        if not cell_db.soft_delete(cctxt, service.id,
                                   service.host if compute else None):
            # Another delete won the race.
            raise exception.ServiceNotFound(service_id=uuid or service_id)
    LOG.info('Deleted service %s (%s on %s)', service.uuid, service.binary,
             service.host)


def _find(context, uuid, service_id):
    """(cell mapping, Service) of the service, in any cell but cell0."""
    if uuid is None and not 0 < service_id < _MAX_ID:
        raise exception.ServiceNotFound(service_id=service_id)
    found = []
    for cell in objects.CellMappingList.get_all_cached(context):
        if cell.is_cell0:
            continue
        with nova_context.target_cell(context, cell) as cctxt:
            try:
                found.append((cell, objects.Service.get_by_uuid(cctxt, uuid)
                              if uuid is not None else
                              objects.Service.get_by_id(cctxt, service_id)))
            except exception.ServiceNotFound:
                continue
        if uuid is not None:
            break  # uuids are unique
    if not found:
        raise exception.ServiceNotFound(service_id=uuid or service_id)
    if len(found) > 1:
        raise ServiceIdNotUnique(service_id=service_id)
    return found[0]


def _check_compute(cctxt, service):
    """The compute node uuids of a compute service its cell lets go: 409
    while instances or in-progress migrations still need its host."""
    host = service.host
    with engines.main_reader(cctxt):  # one snapshot for the three reads
        if cell_db.instance_count(cctxt, host):
            raise ComputeHostHasInstances()
        migrations = objects.MigrationList.get_in_progress_by_host(cctxt,
                                                                   host)
        if migrations:
            LOG.info('Not deleting compute service %s of host %s: %d '
                     'in-progress migrations involve the host (%s)',
                     service.uuid, host, len(migrations),
                     ', '.join('%s:%s' % (m.uuid, m.status)
                               for m in migrations))
            raise ComputeHostHasMigrations()
        return cell_db.compute_node_uuids(cctxt, service.id, host)


@engines.retry_if_locked
def _forget_host(context, cell, host, node_uuids):
    """Step 1 (see the module docstring), one API-database transaction:
    the aggregate hosts, the host mapping and the provider trees. Returns
    the uuids of the aggregates host left."""
    with engines.api_writer(context) as session:
        left = aggregate_obj.remove_host_everywhere(session, host)
        host_mapping_obj.delete_in(session, host, cell.id)
        for node_uuid in node_uuids:
            try:
                rp_store.delete_tree(session, node_uuid)
            except exception.PlacementConflict as exc:
                # Raised inside the transaction: the rows above stay.
                raise ComputeProviderInUse(host=host,
                                           reason=exc.format_message())
    return left

