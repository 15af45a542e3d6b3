"""Allocation requests inside one provider tree (nested providers), and
the sharing providers (MISC_SHARES_VIA_AGGREGATE) of its aggregates.

For each request group we list its *options* in the tree: a suffixed
group, or a group without resources, is one provider that satisfies all
of it; the unsuffixed group is one provider per resource class (any
combination whose providers together hold its required traits). An
allocation request is one option per group such that the group policy,
``same_subtree`` and the capacity of the merged amounts all hold.
"""
import itertools


def _aggregates_ok(provider, root, group):
    aggs = provider.agg_ids | root.agg_ids
    if group.forbidden_aggs & aggs:
        return False
    return all(wanted & aggs for wanted in group.member_of)


def _placement_ok(provider, providers, group):
    """The group's conditions that hold per provider, traits aside
    (aggregates count directly or through the provider's own root)."""
    if group.in_tree_root is not None and \
            provider.root_id != group.in_tree_root:
        return False
    if group.forbidden & provider.trait_ids:
        return False
    return _aggregates_ok(provider, providers[provider.root_id], group)


def _traits_ok(trait_ids, group):
    return all(wanted & trait_ids for wanted in group.required)


def _single_provider_options(members, group, providers):
    """[(allocations, providers)] with one provider for the whole group."""
    options = []
    for provider in members:
        if not (_placement_ok(provider, providers, group) and
                _traits_ok(provider.trait_ids, group)):
            continue
        if all(rc in provider.inventories and
               provider.inventories[rc].fits(amount)
               for rc, amount in group.resources.items()):
            allocations = ({provider.id: dict(group.resources)}
                           if group.resources else {})
            options.append((allocations, (provider.id,)))
    return options


def _spread_options(members, group, providers):
    """[(allocations, providers)] with the unsuffixed group's classes
    spread over the tree, one provider per class."""
    per_class = []
    for rc, amount in sorted(group.resources.items()):
        able = [p for p in members
                if rc in p.inventories and p.inventories[rc].fits(amount)
                and _placement_ok(p, providers, group)]
        if not able:
            return []
        per_class.append([(p, rc, amount) for p in able])
    options = []
    for combination in itertools.product(*per_class):
        providers = {p.id: p for p, _rc, _amount in combination}
        traits = set().union(*(p.trait_ids for p in providers.values()))
        if not _traits_ok(traits, group):
            continue
        allocations = {}
        for provider, rc, amount in combination:
            allocations.setdefault(provider.id, {})[rc] = amount
        options.append((allocations, tuple(sorted(providers))))
    return options


def _group_options(members, group, providers):
    if group.granular or not group.resources:
        return _single_provider_options(members, group, providers)
    return _spread_options(members, group, providers)


def _isolated(groups, choice):
    used = [providers[0] for group, (_allocs, providers)
            in zip(groups, choice) if group.granular]
    return len(used) == len(set(used))


def _ancestors(provider_id, providers):
    chain = set()
    while provider_id is not None:
        chain.add(provider_id)
        provider_id = providers[provider_id].parent_id
    return chain


def _same_subtree_ok(same_subtree, groups, choice, providers):
    by_suffix = {group.suffix: set(option[1])
                 for group, option in zip(groups, choice)}
    for suffixes in same_subtree:
        members = set().union(*(by_suffix.get(s, set()) for s in suffixes))
        if len(members) <= 1:
            continue
        common = set.intersection(*(_ancestors(m, providers)
                                    for m in members))
        if not common & members:
            return False
    return True


def _merge(choice, providers):
    """{provider id: {rc: amount}} of the choice, or None if a merged
    amount no longer fits."""
    merged = {}
    for allocations, _providers in choice:
        for provider_id, resources in allocations.items():
            mine = merged.setdefault(provider_id, {})
            for rc, amount in resources.items():
                mine[rc] = mine.get(rc, 0) + amount
    for provider_id, resources in merged.items():
        inventories = providers[provider_id].inventories
        for rc, amount in resources.items():
            inv = inventories[rc]
            if amount > inv.max_unit or inv.used + amount > inv.capacity:
                return None
    return merged


def _root_ok(root, request):
    return (request.root_required <= root.trait_ids and
            not request.root_forbidden & root.trait_ids)


def request_key(allocations, mappings):
    """A hashable form of an allocation request, to drop duplicates."""
    return (tuple(sorted((p, tuple(sorted(r.items())))
                         for p, r in allocations.items())),
            tuple(sorted(mappings.items())))


def tree_requests(root_id, members, providers, request, shared=()):
    """Yield (allocations {provider id: {rc_id: amount}}, mappings
    {suffix: (provider ids)}) for one tree, in a stable order. ``shared``
    are sharing providers outside the tree that may serve it too."""
    root = providers[root_id]
    if not _root_ok(root, request):
        return
    groups = request.groups
    candidates = list(members) + list(shared)
    options = []
    for group in groups:
        group_options = _group_options(candidates, group, providers)
        if not group_options:
            return
        options.append(group_options)
    isolate = request.group_policy == 'isolate'
    # Options of a group differ from one another, so no two choices give
    # the same allocations and mappings: no duplicates to remove here.
    for choice in itertools.product(*options):
        if isolate and not _isolated(groups, choice):
            continue
        if request.same_subtree and not _same_subtree_ok(
                request.same_subtree, groups, choice, providers):
            continue
        merged = _merge(choice, providers)
        if merged is None:
            continue
        if not request.nested_aware and sum(
                providers[p].root_id == root_id for p in merged) > 1:
            continue
        yield merged, {group.suffix: option[1]
                       for group, option in zip(groups, choice)}
