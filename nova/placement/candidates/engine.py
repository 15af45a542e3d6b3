"""GET /allocation_candidates as a function: the plan of a query.

1. Resolve names to ids (``resolve``).
2. Providers alone in their tree (the usual compute node) that satisfy
   every group by themselves: one SQL statement per batch of provider ids
   (``queries.probe_lone_providers``), batches growing until ``limit``
   of them are found, in id order or in a uniformly random order.
3. Trees of several providers are first narrowed in SQL to those that
   have free capacity of every requested class somewhere, then loaded
   whole and combined in Python (``trees``).
4. ``limit`` picks the allocation requests (the first ones by root
   provider id, or a random choice when randomized); only then are the
   traits (and classes not requested) of the picked lone providers
   loaded, to build the allocation requests and provider summaries.
"""
import dataclasses
import random

from nova.placement.candidates import queries
from nova.placement.candidates import resolve
from nova.placement.candidates import trees
from nova.placement.candidates.request import Candidates
from nova.placement.store import resource_classes


@dataclasses.dataclass
class MergedRequest:
    """Every group of a request, folded onto one provider."""
    amounts_by_rc: dict
    required: list
    forbidden: frozenset
    member_of: list
    forbidden_aggs: frozenset
    in_tree_root: int = None
    possible: bool = True


def merge_groups(request):
    """The request as one provider must satisfy it alone."""
    amounts, required, member_of = {}, [], []
    forbidden, forbidden_aggs, roots = set(), set(), set()
    for group in request.groups:
        for rc, amount in group.resources.items():
            amounts.setdefault(rc, []).append(amount)
        required += group.required
        member_of += group.member_of
        forbidden |= group.forbidden
        forbidden_aggs |= group.forbidden_aggs
        if group.in_tree_root is not None:
            roots.add(group.in_tree_root)
    required += [frozenset([trait]) for trait in request.root_required]
    forbidden |= request.root_forbidden
    granular = [g for g in request.groups if g.granular]
    possible = len(roots) <= 1 and not (
        request.group_policy == 'isolate' and len(granular) > 1)
    return MergedRequest(amounts, required, frozenset(forbidden), member_of,
                         frozenset(forbidden_aggs),
                         next(iter(roots), None), possible)


def _tree_roots(request, nested, anchored):
    """Roots of the trees to combine: those with several providers, and
    those that can use a sharing provider."""
    roots = set(nested) | anchored
    for group in request.groups:
        if group.in_tree_root is not None:
            roots &= {group.in_tree_root}
    return roots


def _worth_loading(session, request, roots, anchored):
    """Those of roots whose tree has room for every requested class
    somewhere (trees that may use a sharing provider all are)."""
    min_amounts = {}
    for group in request.groups:
        for rc, amount in group.resources.items():
            min_amounts[rc] = min(amount, min_amounts.get(rc, amount))
    unshared = [root for root in roots if root not in anchored]
    if not unshared or not min_amounts:
        return list(roots)
    fitting = queries.roots_with_classes(session, unshared, min_amounts)
    return [root for root in roots if root in anchored or root in fitting]


def _tree_requests(session, request, nested, sharing, anchored,
                   randomize):
    """[(root id, allocations, mappings)] of the trees that need combining
    (see _tree_roots), and {provider id: Provider} of those trees and of
    the sharing providers.

    Trees are loaded and combined a batch of roots at a time, in root id
    order (or a random order), until ``limit`` requests are found.
    """
    roots = sorted(_tree_roots(request, nested, anchored))
    if randomize:
        random.shuffle(roots)
    providers = queries.load_trees(session, queries.roots_of(session,
                                                             sharing))
    limit = request.limit
    found, seen, start = [], set(), 0
    size = len(roots) if limit is None else max(50, limit // 2)
    while start < len(roots) and (limit is None or len(found) < limit):
        batch = roots[start:start + size]
        start += len(batch)
        batch = _worth_loading(session, request, batch, anchored)
        providers.update(queries.load_trees(session, batch))
        members = _members_by_root(providers, batch)
        for root_id in batch:
            shared = _shared_with(members[root_id], providers, sharing)
            for allocations, mappings in trees.tree_requests(
                    root_id, members[root_id], providers, request, shared):
                if sharing:     # a sharing provider alone: only once
                    key = trees.request_key(allocations, mappings)
                    if key in seen:
                        continue
                    seen.add(key)
                found.append((root_id, allocations, mappings))
        if limit is not None:
            per_tree = max(len(found), 1) / start
            size = max(size, int((limit - len(found)) / per_tree * 1.2) + 1)
    return found, providers


def _members_by_root(providers, roots):
    wanted = set(roots)
    members = {root: [] for root in roots}
    for provider in sorted(providers.values(), key=lambda p: p.id):
        if provider.root_id in wanted:
            members[provider.root_id].append(provider)
    return members


def _shared_with(members, providers, sharing):
    """The sharing providers outside the tree whose aggregates a provider
    of the tree is in."""
    aggs = set().union(*(p.agg_ids for p in members))
    own = {p.id for p in members}
    return [providers[pid] for pid, pid_aggs in sorted(sharing.items())
            if pid not in own and pid in providers and pid_aggs & aggs]


def _lone_candidates(session, merged, wanted, randomize, combined):
    """Providers alone in their tree that satisfy the whole request, in
    id order (or a random order), at most ``wanted``; not the roots of
    the trees that are combined (with children, or with a sharing
    provider)."""
    if not merged.possible or (
            combined and queries.root_count(session) <= len(combined)):
        return []
    return queries.probe_lone_providers(session, merged, wanted, randomize,
                                        exclude=combined)


def _pick(lone, nested_found, limit, randomize):
    """The chosen allocation requests: ('lone', probe row) or ('tree',
    (root id, allocations, mappings)) entries, by root provider id or in
    random order."""
    universe = [('lone', row) for row in lone]
    if nested_found:
        universe += [('tree', found) for found in nested_found]
        if randomize:
            random.shuffle(universe)
        else:
            universe.sort(key=lambda e: e[1][0])
    return universe if limit is None else universe[:limit]


def find(session, candidate_request, randomize=False):
    """Candidates for a CandidateRequest, inside an open session."""
    request = resolve.resolve(session, candidate_request)
    if request.impossible or not any(g.resources for g in request.groups):
        return Candidates([], {})
    merged = merge_groups(request)
    sharing = queries.sharing_providers(session)
    anchored = set()
    if sharing:
        anchored = queries.anchored_roots(
            session, set().union(*sharing.values()))
    nested = queries.nested_roots(session)
    lone = _lone_candidates(session, merged, request.limit, randomize,
                            nested | anchored)
    nested_found, tree_providers = [], {}
    if nested or anchored:
        nested_found, tree_providers = _tree_requests(
            session, request, nested, sharing, anchored, randomize)
    picked = _pick(lone, nested_found, request.limit, randomize)
    lone_details = queries.lone_details(
        session, [value for kind, value in picked if kind == 'lone'], merged)
    return _build(session, request, merged, picked, lone_details,
                  tree_providers)


def _lone_summary(row, columns, details, rc_names):
    """columns: [(class name, capacity index, used index)] of the row."""
    traits, extra = details
    resources = {name: {'capacity': int(row[capacity]),
                        'used': int(row[used])}
                 for name, capacity, used in columns}
    for rc, inv in extra.get(row[0], {}).items():
        resources[rc_names[rc]] = {'capacity': inv.capacity,
                                   'used': inv.used}
    return {'resources': resources, 'traits': sorted(traits[row[0]]),
            'parent_provider_uuid': None, 'root_provider_uuid': row[1]}


def _build(session, request, merged, picked, lone_details, tree_providers):
    rc_names = resource_classes.names_by_id(session)
    columns = [(rc_names[rc], capacity, used) for rc, capacity, used in
               queries.lone_columns(sorted(merged.amounts_by_rc))]
    lone_resources = {rc_names[rc]: sum(amounts)
                      for rc, amounts in merged.amounts_by_rc.items()}
    suffixes = [g.suffix for g in request.groups]
    by_root = {}
    for provider in tree_providers.values():
        by_root.setdefault(provider.root_id, []).append(provider)
    areqs, summaries = [], {}
    for kind, value in picked:
        if kind == 'lone':
            uuid = value[1]
            areqs.append({
                'allocations': {uuid: {'resources': dict(lone_resources)}},
                'mappings': {suffix: [uuid] for suffix in suffixes}})
            summaries[uuid] = _lone_summary(value, columns, lone_details,
                                            rc_names)
            continue
        root_id, allocations, mappings = value
        areqs.append(_nested_areq(allocations, mappings, tree_providers,
                                  rc_names))
        shown = [tree_providers[pid] for pid in allocations]
        if request.nested_aware:
            shown += by_root[root_id]
        for provider in shown:
            if provider.uuid not in summaries:
                summaries[provider.uuid] = _summary(
                    provider, tree_providers, rc_names)
    return Candidates(areqs, summaries)


def _nested_areq(allocations, mappings, providers, rc_names):
    return {
        'allocations': {
            providers[pid].uuid: {'resources': {
                rc_names[rc]: n for rc, n in resources.items()}}
            for pid, resources in allocations.items()},
        'mappings': {suffix: [providers[pid].uuid for pid in pids]
                     for suffix, pids in mappings.items()}}


def _summary(provider, providers, rc_names):
    parent = providers.get(provider.parent_id)
    return {
        'resources': {rc_names[rc]: {'capacity': inv.capacity,
                                     'used': inv.used}
                      for rc, inv in provider.inventories.items()},
        'traits': sorted(provider.trait_names),
        'parent_provider_uuid': parent.uuid if parent else None,
        'root_provider_uuid': providers[provider.root_id].uuid,
    }
