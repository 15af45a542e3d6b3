"""GET /resource_providers: providers filtered in one SQL query.

Filters: uuid, name, in_tree (same root as a provider), member_of (any-of
groups of aggregate uuids, all groups apply; forbidden aggregates),
required (any-of groups of trait names; forbidden traits) and resources
({class: amount} that each provider must be able to allocate now).
"""
import sqlalchemy as sa

from nova import exception
from nova.placement.store import providers as rp_store
from nova.placement.store import resource_classes
from nova.placement.store import tables as t
from nova.placement.store import traits as trait_store

_RP = t.PROVIDERS


def _in_aggregates(uuids):
    return sa.select(t.PROVIDER_AGGREGATES.c.resource_provider_id).join(
        t.AGGREGATES,
        t.AGGREGATES.c.id == t.PROVIDER_AGGREGATES.c.aggregate_id).where(
        t.AGGREGATES.c.uuid.in_(uuids))


def _with_traits(trait_ids):
    return sa.select(t.PROVIDER_TRAITS.c.resource_provider_id).where(
        t.PROVIDER_TRAITS.c.trait_id.in_(trait_ids))


def _with_capacity(rc_id, amount):
    """Providers that can allocate amount of class rc_id now."""
    inv = t.INVENTORIES
    used = sa.select(sa.func.coalesce(sa.func.sum(t.ALLOCATIONS.c.used), 0)
                     ).where(
        t.ALLOCATIONS.c.resource_provider_id == inv.c.resource_provider_id,
        t.ALLOCATIONS.c.resource_class_id == rc_id).scalar_subquery()
    capacity = (inv.c.total - inv.c.reserved) * inv.c.allocation_ratio
    return sa.select(inv.c.resource_provider_id).where(
        inv.c.resource_class_id == rc_id,
        capacity - used >= amount,
        inv.c.min_unit <= amount, inv.c.max_unit >= amount,
        sa.literal(amount) % inv.c.step_size == 0)


def _resource_filters(session, resources):
    filters = []
    for rc, amount in resources.items():
        try:
            rc_id = resource_classes.id_for(session, rc)
        except exception.ResourceClassNotFound:
            raise exception.Invalid(
                reason='Invalid resource class in resources parameter: '
                       'No such resource class %s.' % rc)
        filters.append(_RP.c.id.in_(_with_capacity(rc_id, amount)))
    return filters


def _trait_filters(session, required, forbidden):
    names = set().union(*required) | set(forbidden) if required else \
        set(forbidden)
    try:
        ids = trait_store.ids_for(session, names)
    except exception.TraitNotFound as e:
        raise exception.Invalid(reason='Invalid query string parameters: '
                                       '%s' % e.format_message())
    filters = [_RP.c.id.in_(_with_traits([ids[n] for n in group]))
               for group in required]
    if forbidden:
        filters.append(_RP.c.id.not_in(_with_traits(
            [ids[n] for n in forbidden])))
    return filters


def list_providers(session, uuid=None, name=None, in_tree=None,
                   member_of=(), forbidden_aggs=(), required=(),
                   forbidden_traits=(), resources=None):
    """Provider dicts matching every given filter, by id."""
    query = rp_store._SELECT.order_by(_RP.c.id)
    if uuid is not None:
        query = query.where(_RP.c.uuid == uuid)
    if name is not None:
        query = query.where(_RP.c.name == name)
    if in_tree is not None:
        tree = rp_store.get(session, in_tree)
        if tree is None:
            return []
        query = query.where(_RP.c.root_provider_id == tree['root_id'])
    for group in member_of:
        query = query.where(_RP.c.id.in_(_in_aggregates(group)))
    if forbidden_aggs:
        query = query.where(_RP.c.id.not_in(_in_aggregates(forbidden_aggs)))
    if required or forbidden_traits:
        query = query.where(*_trait_filters(session, required,
                                            forbidden_traits))
    if resources:
        query = query.where(*_resource_filters(session, resources))
    return rp_store._rows(session, query)
