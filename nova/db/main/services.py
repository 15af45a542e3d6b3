"""Cell database queries of a service delete (nova/compute/service_delete.py).

SQLAlchemy Core on the services, compute_nodes and instances tables of the
cell the context targets (nova.context.target_cell). Rows are soft-deleted
the way the project soft-deletes everywhere: ``deleted`` = the row's id,
``deleted_at`` set; ``updated_at`` is set too, so the scheduler's
incremental refresh (which reads rows changed since its last read) drops
them at once.
"""
import sqlalchemy as sa

from nova.db import engines
from nova.db.main import models
from nova.db.types import utcnow

_SERVICES = models.Service.__table__
_NODES = models.ComputeNode.__table__
_INSTANCES = models.Instance.__table__


def _nodes_of(service_id, host):
    # Nova's rule: a node belongs to its service by service_id, or by host
    # for rows written without one.
    return sa.and_(_NODES.c.deleted == 0,
                   sa.or_(_NODES.c.service_id == service_id,
                          _NODES.c.host == host))


def instance_count(context, host):
    """How many live (not deleted) instances have host as their host."""
    query = sa.select(sa.func.count()).select_from(_INSTANCES).where(
        _INSTANCES.c.host == host, _INSTANCES.c.deleted == 0)
    with engines.main_reader(context) as session:
        return session.execute(query).scalar_one()


def compute_node_uuids(context, service_id, host):
    """Uuids of the live compute nodes of a compute service (each one a
    resource provider in placement), oldest first."""
    query = sa.select(_NODES.c.uuid).where(
        _nodes_of(service_id, host)).order_by(_NODES.c.id)
    with engines.main_reader(context) as session:
        return [row.uuid for row in session.execute(query)]


@engines.retry_if_locked
def soft_delete(context, service_id, host=None):
    """Mark the service deleted and, given its host (a compute service),
    its compute nodes, in one transaction. False, writing nothing, when
    the service is deleted already."""
    now = utcnow()
    gone = {'deleted_at': now, 'updated_at': now}
    with engines.main_writer(context) as session:
        result = session.execute(_SERVICES.update().where(
            _SERVICES.c.id == service_id, _SERVICES.c.deleted == 0)
            .values(deleted=_SERVICES.c.id, **gone))
        if result.rowcount == 0:
            return False
        if host is not None:
            session.execute(_NODES.update().where(
                _nodes_of(service_id, host)).values(deleted=_NODES.c.id,
                                                    **gone))
    return True
