"""Usages: what is allocated, per provider and per project/user."""
import collections

import sqlalchemy as sa

from nova.placement.store import inventories as inv_store
from nova.placement.store import resource_classes
from nova.placement.store import tables as t

_ALLOC = t.ALLOCATIONS
_CONS = t.CONSUMERS


def of_provider(session, provider_id):
    """{class: used} for every class the provider has inventory of."""
    names = resource_classes.names_by_id(session)
    used = {names[rc_id]: int(total) for rc_id, total in session.execute(
        sa.select(_ALLOC.c.resource_class_id, sa.func.sum(_ALLOC.c.used))
        .where(_ALLOC.c.resource_provider_id == provider_id)
        .group_by(_ALLOC.c.resource_class_id))}
    classes = inv_store.of_provider(session, provider_id)
    return {rc: used.get(rc, 0) for rc in set(classes) | set(used)}


def of_project(session, project_id, user_id=None, consumer_type=None,
               by_type=False):
    """Allocated amounts of a project's (and user's) consumers.

    Returns {class: used}, or with ``by_type`` {consumer type: {'consumer_
    count': n, class: used}} (consumers with no type under 'unknown').
    ``consumer_type`` filters: a name, 'all' or 'unknown'.
    """
    ctype = t.CONSUMER_TYPES
    query = sa.select(
        sa.func.coalesce(ctype.c.name, 'unknown'), _ALLOC.c.consumer_id,
        _ALLOC.c.resource_class_id, _ALLOC.c.used).select_from(
        _ALLOC.join(_CONS, _CONS.c.uuid == _ALLOC.c.consumer_id)
        .join(t.PROJECTS, t.PROJECTS.c.id == _CONS.c.project_id)
        .outerjoin(ctype, ctype.c.id == _CONS.c.consumer_type_id)).where(
        t.PROJECTS.c.external_id == project_id)
    if user_id is not None:
        query = query.join(t.USERS, t.USERS.c.id == _CONS.c.user_id).where(
            t.USERS.c.external_id == user_id)
    if consumer_type == 'unknown':
        query = query.where(_CONS.c.consumer_type_id.is_(None))
    elif consumer_type not in (None, 'all'):
        query = query.where(ctype.c.name == consumer_type)
    names = resource_classes.names_by_id(session)
    totals = collections.defaultdict(lambda: collections.defaultdict(int))
    consumers = collections.defaultdict(set)
    for type_name, consumer, rc_id, used in session.execute(query):
        key = type_name if by_type else None
        totals[key][names[rc_id]] += used
        consumers[key].add(consumer)
    if not by_type:
        return dict(totals.get(None, {}))
    result = {}
    for key, amounts in totals.items():
        result[key] = dict(amounts, consumer_count=len(consumers[key]))
    if consumer_type == 'all' and result:
        merged = collections.defaultdict(int)
        for amounts in result.values():
            for rc, used in amounts.items():
                merged[rc] += used
        result = {'all': dict(merged)}
    return result
