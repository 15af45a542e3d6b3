"""Turn the names of a request into the database's integer ids.

Everything the later queries compare is an id: resource classes, traits,
aggregates and the root of an ``in_tree`` provider. A name that exists
nowhere is an error (the handler answers 400); a standard trait or an
aggregate that no provider uses yet simply matches nothing.
"""
import dataclasses

import os_traits
import sqlalchemy as sa

from nova import exception
from nova.placement.store import resource_classes
from nova.placement.store import tables as t

_STANDARD_TRAITS = frozenset(os_traits.get_traits())


@dataclasses.dataclass
class Group:
    """A RequestGroup in ids. ``impossible`` marks a group that no
    provider can satisfy (an unused required trait, an unknown aggregate,
    an ``in_tree`` provider that does not exist)."""
    suffix: str
    resources: dict          # {rc_id: amount}
    required: list           # [frozenset(trait_id)], each any-of
    forbidden: frozenset     # trait ids
    member_of: list          # [frozenset(aggregate_id)], each any-of
    forbidden_aggs: frozenset
    in_tree_root: int = None
    impossible: bool = False

    @property
    def granular(self):
        return self.suffix != ''


@dataclasses.dataclass
class Request:
    groups: list
    group_policy: str
    limit: int
    root_required: frozenset
    root_forbidden: frozenset
    same_subtree: list
    nested_aware: bool
    impossible: bool = False
    rc_names: dict = None    # {rc_id: name} of the requested classes


# Built once, with the names bound at execution: building a statement and
# its cache key cost more than running it.
_TRAIT_IDS = sa.select(t.TRAITS.c.name, t.TRAITS.c.id).where(
    t.TRAITS.c.name.in_(sa.bindparam('names', expanding=True)))
_AGGREGATE_IDS = sa.select(t.AGGREGATES.c.uuid, t.AGGREGATES.c.id).where(
    t.AGGREGATES.c.uuid.in_(sa.bindparam('uuids', expanding=True)))
_ROOT_OF = sa.select(t.PROVIDERS.c.root_provider_id).where(
    t.PROVIDERS.c.uuid == sa.bindparam('uuid'))


def _trait_ids(session, names):
    """{name: id or None}; None for a standard trait not in the table."""
    names = set(names)
    if not names:
        return {}
    found = dict(session.execute(_TRAIT_IDS,
                                 {'names': sorted(names)}).all())
    unknown = sorted(n for n in names - set(found)
                     if n not in _STANDARD_TRAITS)
    if unknown:
        raise exception.TraitNotFound(names=', '.join(unknown))
    return {name: found.get(name) for name in names}


def _aggregate_ids(session, uuids):
    uuids = set(uuids)
    if not uuids:
        return {}
    return dict(session.execute(_AGGREGATE_IDS,
                                {'uuids': sorted(uuids)}).all())


def _root_of(session, uuid):
    return session.execute(_ROOT_OF, {'uuid': uuid}).scalar()


def _any_of(name_sets, ids):
    """[frozenset(ids)] and whether some set matched nothing known."""
    result, impossible = [], False
    for names in name_sets:
        known = frozenset(ids[n] for n in names if ids.get(n) is not None)
        impossible = impossible or not known
        result.append(known)
    return result, impossible


def _group(session, group, trait_ids, agg_ids):
    resources = {resource_classes.id_for(session, rc): amount
                 for rc, amount in group.resources.items()}
    required, no_trait = _any_of(group.required_traits, trait_ids)
    member_of, no_agg = _any_of(group.member_of, agg_ids)
    resolved = Group(
        suffix=group.suffix, resources=resources, required=required,
        forbidden=frozenset(trait_ids[n] for n in group.forbidden_traits
                            if trait_ids.get(n) is not None),
        member_of=member_of,
        forbidden_aggs=frozenset(agg_ids[u] for u in group.forbidden_aggs
                                 if u in agg_ids),
        impossible=no_trait or no_agg)
    if group.in_tree:
        resolved.in_tree_root = _root_of(session, group.in_tree)
        resolved.impossible |= resolved.in_tree_root is None
    return resolved


def resolve(session, request):
    """The Request in ids; TraitNotFound/ResourceClassNotFound for names
    that exist nowhere."""
    groups = [g for g in request.groups if g.has_constraints]
    trait_names = set(request.root_required) | set(request.root_forbidden)
    agg_uuids = set()
    for group in groups:
        trait_names |= set(group.forbidden_traits)
        for names in group.required_traits:
            trait_names |= set(names)
        agg_uuids |= set(group.forbidden_aggs)
        for uuids in group.member_of:
            agg_uuids |= set(uuids)
    trait_ids = _trait_ids(session, trait_names)
    agg_ids = _aggregate_ids(session, agg_uuids)
    resolved = [_group(session, g, trait_ids, agg_ids) for g in groups]
    root_required = [trait_ids[n] for n in request.root_required]
    rc_names = {}
    for group, original in zip(resolved, groups):
        rc_names.update({resource_classes.id_for(session, name): name
                         for name in original.resources})
    return Request(
        groups=resolved, group_policy=request.group_policy,
        limit=request.limit,
        root_required=frozenset(i for i in root_required if i is not None),
        root_forbidden=frozenset(trait_ids[n] for n in request.root_forbidden
                                 if trait_ids[n] is not None),
        same_subtree=[list(s) for s in request.same_subtree],
        nested_aware=request.nested_aware,
        impossible=(any(g.impossible for g in resolved) or
                    None in root_required),
        rc_names=rc_names)
