"""The SQL of allocation candidates.

The common request (compute nodes alone in their trees) is answered by
one statement, run on a batch of provider ids just large enough to find
``limit`` of them. Per requested class it joins the provider's inventory
row, checks min/max unit and step size, and reads the sum of the
provider's allocations of that class (a correlated SUM over the covering
index on allocations); trait and aggregate requirements are EXISTS
conditions of the same statement. Free capacity is then compared on the
returned rows: as a SQL condition every usage sum would be evaluated
twice. Finally the traits of only the providers returned to the caller
are loaded, in a constant number of statements whatever their count.
Correlated subqueries, rather than joins to grouped derived tables, keep
the plans the same on SQLite, MariaDB and PostgreSQL.
"""
import random

import sqlalchemy as sa

from nova.placement.store import tables as t

_RP = t.PROVIDERS
_INV = t.INVENTORIES
_ALLOC = t.ALLOCATIONS
_RPT = t.PROVIDER_TRAITS
_RPA = t.PROVIDER_AGGREGATES
CHUNK = 2000
SHARING_TRAIT = 'MISC_SHARES_VIA_AGGREGATE'
LARGEST_BATCH = 10000


class Inventory:
    __slots__ = ('capacity', 'used', 'min_unit', 'max_unit', 'step_size')

    def __init__(self, capacity, used, min_unit, max_unit, step_size):
        self.capacity = capacity
        self.used = used
        self.min_unit = min_unit
        self.max_unit = max_unit
        self.step_size = step_size

    def fits(self, amount):
        """Whether one allocation of amount is allowed and free."""
        return (self.min_unit <= amount <= self.max_unit and
                amount % self.step_size == 0 and
                self.used + amount <= self.capacity)


class Provider:
    __slots__ = ('id', 'uuid', 'parent_id', 'root_id', 'inventories',
                 'trait_ids', 'trait_names', 'agg_ids')

    def __init__(self, id_, uuid, parent_id, root_id):
        self.id = id_
        self.uuid = uuid
        self.parent_id = parent_id
        self.root_id = root_id
        self.inventories = {}
        self.trait_ids = set()
        self.trait_names = []
        self.agg_ids = set()


def _chunks(ids):
    ids = list(ids)
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


def _capacity(inv):
    return (inv.c.total - inv.c.reserved) * inv.c.allocation_ratio


def _has_trait(provider_id, trait_ids):
    return sa.exists().where(_RPT.c.resource_provider_id == provider_id,
                             _RPT.c.trait_id.in_(sorted(trait_ids)))


def _in_aggregate(provider_ids, agg_ids):
    return sa.exists().where(_RPA.c.resource_provider_id.in_(provider_ids),
                             _RPA.c.aggregate_id.in_(sorted(agg_ids)))


def nested_roots(session):
    """Root ids of the trees that have more than one provider."""
    return set(session.execute(
        sa.select(_RP.c.root_provider_id).where(
            _RP.c.parent_provider_id.is_not(None)).distinct()).scalars())


def root_count(session):
    """How many providers are roots."""
    return session.execute(sa.select(sa.func.count()).where(
        _RP.c.parent_provider_id.is_(None))).scalar()


def provider_id_range(session):
    """(lowest, highest) provider id, or None when there is none."""
    low, high = session.execute(sa.select(sa.func.min(_RP.c.id),
                                          sa.func.max(_RP.c.id))).one()
    return None if low is None else (low, high)


class IdBatch:
    """Some provider ids: a range [low, high], or a list (random order)."""

    def __init__(self, low=None, high=None, ids=None):
        self.low, self.high, self.ids = low, high, ids

    @classmethod
    def of(cls, ids):
        """The cheapest batch covering ids: a range when they are dense
        (the caller drops what it did not ask for)."""
        low, high = min(ids), max(ids)
        if high - low < 2 * len(ids):
            return cls(low, high)
        return cls(ids=sorted(ids))

    def condition(self, column):
        if self.ids is None:
            return column.between(self.low, self.high)
        # Inline integers: thousands of bound parameters cost more to
        # bind and plan (PostgreSQL) than the query itself.
        return column.in_(sa.bindparam('batch_ids', value=self.ids,
                                       expanding=True, literal_execute=True,
                                       unique=True))


def _used(rc_id):
    """The provider's allocations of rc_id (a SUM over the covering index
    (resource_provider_id, resource_class_id, used))."""
    return sa.select(sa.func.coalesce(sa.func.sum(_ALLOC.c.used), 0)).where(
        _ALLOC.c.resource_provider_id == _RP.c.id,
        _ALLOC.c.resource_class_id == rc_id).scalar_subquery()


def _unit_condition(inv, rc_id, amounts):
    """The inventory row of rc_id allows each of amounts as one
    allocation, and their sum on this one provider."""
    conditions = [inv.c.min_unit <= min(amounts),
                  inv.c.max_unit >= sum(amounts)]
    for amount in sorted(set(amounts)):
        conditions.append(sa.literal(amount, sa.Integer) %
                          inv.c.step_size == 0)
    return sa.and_(*conditions)


def lone_probe(merged, batch):
    """SELECT of the providers alone in their tree among the IdBatch
    whose inventories, traits and aggregates satisfy the merged request,
    with what the answer needs: uuid, then (total - reserved) * ratio and
    used of each requested class. Free capacity is checked on the rows
    (``fits_lone``): in SQL it would evaluate each usage sum twice."""
    child = _RP.alias('child')
    columns = [_RP.c.id, _RP.c.uuid]
    source = _RP
    # Not a correlated NOT EXISTS on parent_provider_id: an index of
    # mostly NULLs is planned as a scan per row once SQLite has
    # statistics. The uncorrelated list of roots with children is built
    # once per statement on every database.
    conditions = [batch.condition(_RP.c.id),
                  _RP.c.parent_provider_id.is_(None),
                  _RP.c.id.not_in(sa.select(child.c.root_provider_id).where(
                      child.c.parent_provider_id.is_not(None)))]
    if merged.in_tree_root is not None:
        conditions.append(_RP.c.id == merged.in_tree_root)
    for index, rc in enumerate(sorted(merged.amounts_by_rc)):
        inv = _INV.alias('inv%d' % index)
        source = source.join(inv, sa.and_(
            inv.c.resource_provider_id == _RP.c.id,
            inv.c.resource_class_id == rc))
        conditions.append(_unit_condition(inv, rc,
                                          merged.amounts_by_rc[rc]))
        columns += [_capacity(inv).label('capacity%d' % index),
                    _used(rc).label('used%d' % index)]
    conditions += [_has_trait(_RP.c.id, ids) for ids in merged.required]
    if merged.forbidden:
        conditions.append(~_has_trait(_RP.c.id, merged.forbidden))
    conditions += [_in_aggregate([_RP.c.id], ids)
                   for ids in merged.member_of]
    if merged.forbidden_aggs:
        conditions.append(~_in_aggregate([_RP.c.id], merged.forbidden_aggs))
    return sa.select(*columns).select_from(source).where(*conditions)


def fits_lone(row, totals):
    """Whether a lone_probe row has the free capacity for totals (the
    summed amounts, in the order of the row's classes)."""
    for index, amount in enumerate(totals):
        if row[3 + 2 * index] + amount > int(row[2 + 2 * index]):
            return False
    return True


def _id_batches(id_range, first_size, randomize):
    """Yield IdBatches over every id of id_range, of sizes the caller may
    change by sending a new size: id ranges in order, or, randomized, ids
    drawn without replacement (a uniform random order)."""
    low, high = id_range
    size = first_size
    if not randomize:
        start = low
        while start <= high:
            stop = min(high, start + size - 1)
            size = (yield IdBatch(start, stop)) or size
            start = stop + 1
        return
    population = range(low, high + 1)
    drawn = random.sample(population, min(size, len(population)))
    rest = None
    while drawn:
        size = (yield IdBatch(ids=drawn)) or size
        if rest is None:
            chosen = set(drawn)
            rest = [i for i in population if i not in chosen]
            random.shuffle(rest)
        drawn, rest = rest[:size], rest[size:]


def probe_lone_providers(session, merged, wanted, randomize=False,
                         exclude=frozenset()):
    """Rows (see lone_probe) of the providers alone in their tree that
    satisfy the merged request, by id or in a random order, stopping once
    ``wanted`` are found (None: all); providers in ``exclude`` are
    skipped. lone_details() loads what else the kept rows' summaries
    need.

    Ids are probed in batches that grow with the miss rate, so 1000 of
    10,000 fitting hosts cost about 1,200 evaluations, not 10,000; and the
    random order of ids makes the found ones a uniform random sample.
    """
    id_range = provider_id_range(session)
    if id_range is None:
        return []
    size = LARGEST_BATCH if wanted is None else int(wanted * 1.2) + 16
    batches = _id_batches(id_range, size, randomize)
    totals = [sum(merged.amounts_by_rc[rc])
              for rc in sorted(merged.amounts_by_rc)]
    found, probed = [], 0
    batch = next(batches)
    while True:
        rows = [row for row in session.execute(lone_probe(merged, batch))
                if fits_lone(row, totals) and row[0] not in exclude]
        if batch.ids is not None:           # keep the random order
            by_id = {row[0]: row for row in rows}
            rows = [by_id[i] for i in batch.ids if i in by_id]
        found += rows
        probed += size
        if wanted is not None and len(found) >= wanted:
            return found[:wanted]
        if wanted is not None:
            hit_rate = max(len(found), 1) / probed
            size = min(LARGEST_BATCH, max(
                2 * size, int((wanted - len(found)) / hit_rate * 1.2)))
        try:
            batch = batches.send(size)
        except StopIteration:
            return found


def lone_details(session, rows, merged):
    """What the summaries of the probe rows need beyond the rows: trait
    names {provider id: [names]} and inventories of classes not requested
    {provider id: {rc_id: Inventory}} (usually none)."""
    rcs = sorted(merged.amounts_by_rc)
    ids = sorted(row[0] for row in rows)
    extra = {pid: Provider(pid, None, None, pid) for pid in ids}
    for chunk in _chunks(ids):
        batch = IdBatch.of(chunk)
        _load_inventories(session, extra, batch, exclude_rcs=rcs)
        _load_traits(session, extra, batch)
    return ({pid: p.trait_names for pid, p in extra.items()},
            {pid: p.inventories for pid, p in extra.items()
             if p.inventories})


def lone_resources(row, rcs):
    """{rc_id: (capacity, used)} of the requested classes of a probe row."""
    resources = {}
    for index, rc in enumerate(rcs):
        resources[rc] = (int(row[2 + 2 * index]), int(row[3 + 2 * index]))
    return resources


def sharing_providers(session):
    """{provider id: aggregate ids} of the providers that share their
    inventory with the trees of their aggregates (MISC_SHARES_VIA_AGGREGATE);
    empty in most clouds, at the cost of one indexed query."""
    rows = session.execute(
        sa.select(_RPT.c.resource_provider_id, _RPA.c.aggregate_id)
        .join(t.TRAITS, t.TRAITS.c.id == _RPT.c.trait_id)
        .join(_RPA, _RPA.c.resource_provider_id ==
              _RPT.c.resource_provider_id)
        .where(t.TRAITS.c.name == SHARING_TRAIT))
    found = {}
    for rp_id, agg_id in rows:
        found.setdefault(rp_id, set()).add(agg_id)
    return found


def roots_of(session, ids):
    """Root ids of the providers ids."""
    if not ids:
        return set()
    return set(session.execute(sa.select(_RP.c.root_provider_id).where(
        _RP.c.id.in_(sorted(ids)))).scalars())


def anchored_roots(session, agg_ids):
    """Roots of the trees that have a provider in one of agg_ids."""
    return set(session.execute(
        sa.select(_RP.c.root_provider_id).distinct()
        .join(_RPA, _RPA.c.resource_provider_id == _RP.c.id)
        .where(_RPA.c.aggregate_id.in_(sorted(agg_ids)))).scalars())


def roots_with_classes(session, roots, min_amounts):
    """Those of roots whose tree has, for every {rc_id: amount}, some
    provider with that much free: a coarse filter before loading trees."""
    used = sa.select(sa.func.coalesce(sa.func.sum(_ALLOC.c.used), 0)).where(
        _ALLOC.c.resource_provider_id == _INV.c.resource_provider_id,
        _ALLOC.c.resource_class_id == _INV.c.resource_class_id
    ).scalar_subquery()
    fits = sa.or_(*[sa.and_(
        _INV.c.resource_class_id == rc, _INV.c.max_unit >= amount,
        _capacity(_INV) >= used + amount)
        for rc, amount in sorted(min_amounts.items())])
    found = set()
    for chunk in _chunks(sorted(roots)):
        rows = session.execute(
            sa.select(_RP.c.root_provider_id)
            .select_from(_INV.join(_RP,
                                   _RP.c.id == _INV.c.resource_provider_id))
            .where(IdBatch.of(chunk).condition(_RP.c.root_provider_id),
                   fits)
            .group_by(_RP.c.root_provider_id)
            .having(sa.func.count(_INV.c.resource_class_id.distinct()) ==
                    len(min_amounts)))
        found.update(set(rows.scalars()) & set(chunk))
    return found


def load_trees(session, roots):
    """{provider id: Provider} of every provider of the given trees."""
    providers = {}
    for chunk in _chunks(sorted(roots)):
        wanted = set(chunk)
        rows = session.execute(
            sa.select(_RP.c.id, _RP.c.uuid, _RP.c.parent_provider_id,
                      _RP.c.root_provider_id)
            .where(IdBatch.of(chunk).condition(_RP.c.root_provider_id)))
        for row in rows:
            if row[3] in wanted:
                providers[row[0]] = Provider(*row)
    _load_details(session, providers)
    return providers


def _load_details(session, providers):
    for chunk in _chunks(sorted(providers)):
        batch = IdBatch.of(chunk)
        _load_inventories(session, providers, batch)
        _load_traits(session, providers, batch)
        rows = session.execute(
            sa.select(_RPA.c.resource_provider_id, _RPA.c.aggregate_id)
            .where(batch.condition(_RPA.c.resource_provider_id)))
        for rp_id, agg_id in rows:
            if rp_id in providers:
                providers[rp_id].agg_ids.add(agg_id)


def _load_traits(session, providers, batch):
    rows = session.execute(
        sa.select(_RPT.c.resource_provider_id, _RPT.c.trait_id)
        .where(batch.condition(_RPT.c.resource_provider_id))).all()
    trait_ids = sorted({trait_id for _rp, trait_id in rows})
    if not trait_ids:
        return
    # The names of a few distinct traits, rather than a name per row.
    names = dict(session.execute(
        sa.select(t.TRAITS.c.id, t.TRAITS.c.name).where(
            t.TRAITS.c.id.in_(trait_ids))).all())
    for rp_id, trait_id in rows:
        provider = providers.get(rp_id)
        if provider is not None:
            provider.trait_ids.add(trait_id)
            provider.trait_names.append(names[trait_id])


def _load_inventories(session, providers, batch, exclude_rcs=()):
    """Inventories with their usage, of the providers in the batch (but
    not of the classes in exclude_rcs, which the caller has)."""
    conditions = [batch.condition(_INV.c.resource_provider_id)]
    if exclude_rcs:
        conditions.append(_INV.c.resource_class_id.not_in(exclude_rcs))
    used = sa.select(sa.func.coalesce(sa.func.sum(_ALLOC.c.used), 0)).where(
        _ALLOC.c.resource_provider_id == _INV.c.resource_provider_id,
        _ALLOC.c.resource_class_id == _INV.c.resource_class_id
    ).scalar_subquery()
    rows = session.execute(
        sa.select(_INV.c.resource_provider_id, _INV.c.resource_class_id,
                  _INV.c.total, _INV.c.reserved, _INV.c.allocation_ratio,
                  _INV.c.min_unit, _INV.c.max_unit, _INV.c.step_size, used)
        .where(*conditions))
    for (rp_id, rc_id, total, reserved, ratio, min_unit, max_unit, step,
         used) in rows:
        if rp_id in providers:
            providers[rp_id].inventories[rc_id] = Inventory(
                int((total - reserved) * ratio), int(used), min_unit,
                max_unit, step)
