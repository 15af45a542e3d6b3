"""Cell database queries of host discovery (nova/compute/host_discovery.py).

SQLAlchemy Core on the cell's tables: discovery runs periodically in the
scheduler and must not depend on the objects that wrap these rows.
"""
import sqlalchemy as sa

from nova.db import engines
from nova.db.main import models

_NODES = models.ComputeNode.__table__
_SERVICES = models.Service.__table__


def compute_node_hosts_unmapped(context):
    """``[(id, host)]`` of live compute nodes not yet given a host mapping.

    ``context`` targets the cell (nova.context.target_cell). A NULL
    ``mapped`` counts as unmapped: rows written before the column had a
    default must not be skipped forever.
    """
    query = (sa.select(_NODES.c.id, _NODES.c.host)
             .where(_NODES.c.deleted == 0,
                    sa.or_(_NODES.c.mapped.is_(None), _NODES.c.mapped < 1))
             .order_by(_NODES.c.id))
    with engines.main_reader(context) as session:
        return [tuple(row) for row in session.execute(query)]


def mark_compute_nodes_mapped(context, ids):
    """Set ``mapped`` = 1 on the given compute node ids; return the count."""
    ids = list(ids)
    if not ids:
        return 0
    query = (sa.update(_NODES).where(_NODES.c.id.in_(ids))
             .values(mapped=1))
    with engines.main_writer(context) as session:
        return session.execute(query).rowcount


def compute_service_hosts(context):
    """Hosts of the live nova-compute services of the cell, sorted.

    Used by ``discover_hosts --by-service``, for drivers whose compute
    nodes are not named after the service host (Ironic-style).
    """
    query = (sa.select(_SERVICES.c.host).distinct()
             .where(_SERVICES.c.deleted == 0,
                    _SERVICES.c.binary == 'nova-compute',
                    _SERVICES.c.host.is_not(None))
             .order_by(_SERVICES.c.host))
    with engines.main_reader(context) as session:
        return [row.host for row in session.execute(query)]
