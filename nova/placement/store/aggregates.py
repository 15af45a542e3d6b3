"""Placement aggregates: groups of providers, named by uuid only."""
import sqlalchemy as sa

from nova.placement.store import tables as t

_LINK = t.PROVIDER_AGGREGATES
_AGG = t.AGGREGATES


def of_providers(session, provider_ids):
    """{provider id: set of aggregate uuids}."""
    result = {pid: set() for pid in provider_ids}
    for chunk in t.chunks(provider_ids):
        for pid, agg in session.execute(
                sa.select(_LINK.c.resource_provider_id, _AGG.c.uuid)
                .join(_AGG, _AGG.c.id == _LINK.c.aggregate_id)
                .where(_LINK.c.resource_provider_id.in_(chunk))):
            result[pid].add(agg)
    return result


def of_provider(session, provider_id):
    return of_providers(session, [provider_id])[provider_id]


def ids_for(session, agg_uuids, create=False):
    """{aggregate uuid: id}, creating missing rows when create is set."""
    agg_uuids = set(agg_uuids)
    if not agg_uuids:
        return {}
    query = sa.select(_AGG.c.uuid, _AGG.c.id).where(_AGG.c.uuid.in_(agg_uuids))
    found = dict(session.execute(query).all())
    if create and len(found) < len(agg_uuids):
        now = t.now()
        t.insert_ignoring_duplicates(session, _AGG, [
            {'uuid': u, 'created_at': now}
            for u in agg_uuids if u not in found])
        found = dict(session.execute(query).all())
    return found


def replace(session, provider_id, agg_uuids):
    """Make the provider's aggregates exactly agg_uuids; True if changed."""
    current = of_provider(session, provider_id)
    wanted = set(agg_uuids)
    add, remove = wanted - current, current - wanted
    if remove:
        ids = list(ids_for(session, remove).values())
        session.execute(_LINK.delete().where(
            _LINK.c.resource_provider_id == provider_id,
            _LINK.c.aggregate_id.in_(ids)))
    if add:
        now = t.now()
        session.execute(_LINK.insert(), [
            {'resource_provider_id': provider_id, 'aggregate_id': agg_id,
             'created_at': now}
            for agg_id in ids_for(session, add, create=True).values()])
    return bool(add or remove)


def providers_in(session, agg_uuids):
    """Ids of the providers in any of agg_uuids."""
    return set(session.execute(
        sa.select(_LINK.c.resource_provider_id).join(
            _AGG, _AGG.c.id == _LINK.c.aggregate_id)
        .where(_AGG.c.uuid.in_(set(agg_uuids)))).scalars())
