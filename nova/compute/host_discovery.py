"""Map new compute hosts to their cell (cells v2 host discovery).

A compute service writes its compute node to its cell database with
``mapped`` = 0; until a HostMapping row names the cell in the API database,
the scheduler cannot send anything there. ``nova-manage cell_v2
discover_hosts``, the scheduler's periodic task and nova-all's start-up
all call :func:`discover_hosts`; they may run at the same time, so a
mapping someone else just created counts as done, not as an error.
"""
from oslo_db import exception as db_exc
from oslo_log import log as logging

from nova import context as nova_context
from nova.db.main import discovery
from nova import exception
from nova.objects import cell_mapping
from nova.objects import host_mapping

LOG = logging.getLogger(__name__)


def _cells(context, cell_uuid):
    if cell_uuid:
        return [cell_mapping.CellMapping.get_by_uuid(context, cell_uuid)]
    return list(cell_mapping.CellMappingList.get_all(context))


def _get_mapping(context, host):
    try:
        return host_mapping.HostMapping.get_by_host(context, host)
    except exception.HostMappingNotFound:
        return None


def _map_host(context, cell, host, status):
    """Map host to cell; return (the new mapping or None, host is mapped)."""
    existing = _get_mapping(context, host)
    if existing is None:
        status("Creating host mapping for host '%s' in cell %s" %
               (host, cell.uuid))
        mapping = host_mapping.HostMapping(context, host=host,
                                           cell_mapping=cell)
        try:
            mapping.create()
            LOG.info('Mapped host %s to cell %s', host, cell.uuid)
            return mapping, True
        except (exception.HostMappingExists, db_exc.DBDuplicateEntry):
            # Another discoverer won the race: see which cell it chose.
            existing = _get_mapping(context, host)
            if existing is None:
                return None, False
    if existing.cell_mapping.uuid != cell.uuid:
        # Same host name in two cells: leave the node unmapped so the
        # warning repeats until an operator resolves it.
        status("Host '%s' of cell %s is already mapped to cell %s; "
               "not remapping it." % (host, cell.uuid,
                                      existing.cell_mapping.uuid))
        LOG.warning('Host %s of cell %s is mapped to cell %s', host,
                    cell.uuid, existing.cell_mapping.uuid)
        return None, False
    return None, True


def _discover_in_cell(context, cell, by_service, status):
    with nova_context.target_cell(context, cell) as cctxt:
        if by_service:
            nodes = [(None, host) for host in
                     discovery.compute_service_hosts(cctxt)]
            what = 'compute services'
        else:
            nodes = discovery.compute_node_hosts_unmapped(cctxt)
            what = 'unmapped compute nodes'
        status('Found %d %s in cell %s (%s)' % (len(nodes), what, cell.name,
                                                cell.uuid))
        created, done_ids, seen = [], [], {}
        for node_id, host in nodes:
            if not host:
                continue
            if host not in seen:
                mapping, seen[host] = _map_host(context, cell, host, status)
                if mapping is not None:
                    created.append(mapping)
            if seen[host] and node_id is not None:
                done_ids.append(node_id)
        discovery.mark_compute_nodes_mapped(cctxt, done_ids)
    return created


def discover_hosts(context, cell_uuid=None, status_fn=None,
                   by_service=False):
    """Map the unmapped compute hosts of every cell (or of one cell).

    :param context: an admin context (API database).
    :param cell_uuid: only look in this cell; CellMappingNotFound if none.
    :param status_fn: called with one human-readable line per step
        (nova-manage --verbose prints them); defaults to debug logging.
    :param by_service: look for nova-compute services without a mapping
        instead of compute nodes with ``mapped`` = 0.
    :returns: the HostMapping objects created, possibly empty.
    """
    status = status_fn or LOG.debug
    created = []
    for cell in _cells(context, cell_uuid):
        if cell.is_cell0:
            status('Skipping cell0: it holds no hosts.')
            continue
        created.extend(_discover_in_cell(context, cell, by_service, status))
    return created
