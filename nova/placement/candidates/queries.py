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

Every statement is built once per shape (which clauses it has, how many
classes, a range or a list of ids), with bound parameters for the
values: building a statement and its cache key cost more than running
it, and a statement object reused keeps its memoized cache key, so
SQLAlchemy finds its compiled form at once.
"""
import functools
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


def _in(name):
    """An IN list bound at execution (one placeholder per value)."""
    return sa.bindparam(name, expanding=True)


def _capacity(inv):
    return (inv.c.total - inv.c.reserved) * inv.c.allocation_ratio


def _has_trait(provider_id, param):
    return sa.exists().where(_RPT.c.resource_provider_id == provider_id,
                             _RPT.c.trait_id.in_(_in(param)))


def _in_aggregate(provider_ids, param):
    return sa.exists().where(_RPA.c.resource_provider_id.in_(provider_ids),
                             _RPA.c.aggregate_id.in_(_in(param)))


_NESTED_ROOTS = sa.select(_RP.c.root_provider_id).where(
    _RP.c.parent_provider_id.is_not(None)).distinct()
_ROOT_COUNT = sa.select(sa.func.count()).where(
    _RP.c.parent_provider_id.is_(None))
_ID_RANGE = sa.select(sa.func.min(_RP.c.id), sa.func.max(_RP.c.id))


def nested_roots(session):
    """Root ids of the trees that have more than one provider."""
    return set(session.execute(_NESTED_ROOTS).scalars())


def root_count(session):
    """How many providers are roots."""
    return session.execute(_ROOT_COUNT).scalar()


def provider_id_range(session):
    """(lowest, highest) provider id, or None when there is none."""
    low, high = session.execute(_ID_RANGE).one()
    return None if low is None else (low, high)


class IdBatch:
    """Some provider ids: a range [low, high], or a list (random order).

    Statements take a batch as a condition of their shape
    (``batch_condition(column, batch.is_range)``) and its values as
    parameters (``batch.params()``).
    """

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

    @property
    def is_range(self):
        return self.ids is None

    def params(self):
        if self.ids is None:
            return {'low': self.low, 'high': self.high}
        return {'batch_ids': self.ids}


def batch_condition(column, is_range):
    """column is in the IdBatch whose params() the statement is run with."""
    if is_range:
        return column.between(sa.bindparam('low'), sa.bindparam('high'))
    # Inline integers: thousands of bound parameters cost more to bind and
    # plan (PostgreSQL) than the query itself.
    return column.in_(sa.bindparam('batch_ids', expanding=True,
                                   literal_execute=True))


def _used(rc_id):
    """The provider's allocations of rc_id (a SUM over the covering index
    (resource_provider_id, resource_class_id, used))."""
    return sa.select(sa.func.coalesce(sa.func.sum(_ALLOC.c.used), 0)).where(
        _ALLOC.c.resource_provider_id == _RP.c.id,
        _ALLOC.c.resource_class_id == rc_id).scalar_subquery()


def _unit_condition(inv, index, steps):
    """The inventory row of class ``index`` allows each of the request's
    amounts of it as one allocation (min_unit <= :minN, the ``steps``
    distinct amounts :stepN_M multiples of step_size), and their sum on
    this one provider (max_unit >= :maxN)."""
    conditions = [inv.c.min_unit <= sa.bindparam('min%d' % index),
                  inv.c.max_unit >= sa.bindparam('max%d' % index)]
    for step in range(steps):
        conditions.append(
            sa.bindparam('step%d_%d' % (index, step), type_=sa.Integer) %
            inv.c.step_size == 0)
    return sa.and_(*conditions)


def _probe_shape(merged, is_range):
    """What lone_probe's statement depends on, beyond parameter values."""
    return (is_range, merged.in_tree_root is not None,
            tuple(len(set(merged.amounts_by_rc[rc]))
                  for rc in sorted(merged.amounts_by_rc)),
            len(merged.required), bool(merged.forbidden),
            len(merged.member_of), bool(merged.forbidden_aggs))


def _probe_params(merged, batch):
    params = batch.params()
    if merged.in_tree_root is not None:
        params['in_tree_root'] = merged.in_tree_root
    for index, rc in enumerate(sorted(merged.amounts_by_rc)):
        amounts = merged.amounts_by_rc[rc]
        params.update({'rc%d' % index: rc, 'min%d' % index: min(amounts),
                       'max%d' % index: sum(amounts)})
        for step, amount in enumerate(sorted(set(amounts))):
            params['step%d_%d' % (index, step)] = amount
    for index, ids in enumerate(merged.required):
        params['required%d' % index] = sorted(ids)
    if merged.forbidden:
        params['forbidden'] = sorted(merged.forbidden)
    for index, ids in enumerate(merged.member_of):
        params['member_of%d' % index] = sorted(ids)
    if merged.forbidden_aggs:
        params['forbidden_aggs'] = sorted(merged.forbidden_aggs)
    return params


@functools.lru_cache(maxsize=256)
def _probe_statement(is_range, in_tree, steps, required, forbidden,
                     member_of, forbidden_aggs):
    child = _RP.alias('child')
    columns = [_RP.c.id, _RP.c.uuid]
    source = _RP
    # Not a correlated NOT EXISTS on parent_provider_id: an index of
    # mostly NULLs is planned as a scan per row once SQLite has
    # statistics. The uncorrelated list of roots with children is built
    # once per statement on every database.
    conditions = [batch_condition(_RP.c.id, is_range),
                  _RP.c.parent_provider_id.is_(None),
                  _RP.c.id.not_in(sa.select(child.c.root_provider_id).where(
                      child.c.parent_provider_id.is_not(None)))]
    if in_tree:
        conditions.append(_RP.c.id == sa.bindparam('in_tree_root'))
    for index, class_steps in enumerate(steps):
        inv = _INV.alias('inv%d' % index)
        rc = sa.bindparam('rc%d' % index, type_=sa.Integer)
        source = source.join(inv, sa.and_(
            inv.c.resource_provider_id == _RP.c.id,
            inv.c.resource_class_id == rc))
        conditions.append(_unit_condition(inv, index, class_steps))
        columns += [_capacity(inv).label('capacity%d' % index),
                    _used(rc).label('used%d' % index)]
    conditions += [_has_trait(_RP.c.id, 'required%d' % index)
                   for index in range(required)]
    if forbidden:
        conditions.append(~_has_trait(_RP.c.id, 'forbidden'))
    conditions += [_in_aggregate([_RP.c.id], 'member_of%d' % index)
                   for index in range(member_of)]
    if forbidden_aggs:
        conditions.append(~_in_aggregate([_RP.c.id], 'forbidden_aggs'))
    return sa.select(*columns).select_from(source).where(*conditions)


def lone_probe(merged, batch):
    """(SELECT, parameters) of the providers alone in their tree among
    the IdBatch whose inventories, traits and aggregates satisfy the
    merged request, with what the answer needs: uuid, then (total -
    reserved) * ratio and used of each requested class (``lone_columns``).
    Free capacity is checked on the rows: in SQL it would evaluate each
    usage sum twice. The SELECT is built once per shape."""
    return (_probe_statement(*_probe_shape(merged, batch.is_range)),
            _probe_params(merged, batch))


def lone_columns(rcs):
    """[(rc_id, capacity index, used index)]: where a lone_probe row has
    each of the requested classes rcs (sorted)."""
    return [(rc, 2 + 2 * index, 3 + 2 * index)
            for index, rc in enumerate(rcs)]


def _fitting(rows, merged, exclude):
    """The lone_probe rows with the free capacity for the merged request
    (its summed amounts per class), except providers in exclude."""
    rcs = sorted(merged.amounts_by_rc)
    checks = [(capacity, used, sum(merged.amounts_by_rc[rc]))
              for rc, capacity, used in lone_columns(rcs)]
    kept = []
    for row in rows:
        if row[0] in exclude:
            continue
        for capacity, used, amount in checks:
            if row[used] + amount > int(row[capacity]):
                break
        else:
            kept.append(row)
    return kept


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
    found, probed = [], 0
    batch = next(batches)
    while True:
        rows = _fitting(session.execute(*lone_probe(merged, batch)), merged,
                        exclude)
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


_SHARING = (
    sa.select(_RPT.c.resource_provider_id, _RPA.c.aggregate_id)
    .join(t.TRAITS, t.TRAITS.c.id == _RPT.c.trait_id)
    .join(_RPA, _RPA.c.resource_provider_id == _RPT.c.resource_provider_id)
    .where(t.TRAITS.c.name == SHARING_TRAIT))


def sharing_providers(session):
    """{provider id: aggregate ids} of the providers that share their
    inventory with the trees of their aggregates (MISC_SHARES_VIA_AGGREGATE);
    empty in most clouds, at the cost of one indexed query."""
    found = {}
    for rp_id, agg_id in session.execute(_SHARING):
        found.setdefault(rp_id, set()).add(agg_id)
    return found


_ROOTS_OF = sa.select(_RP.c.root_provider_id).where(_RP.c.id.in_(_in('ids')))
_ANCHORED_ROOTS = (
    sa.select(_RP.c.root_provider_id).distinct()
    .join(_RPA, _RPA.c.resource_provider_id == _RP.c.id)
    .where(_RPA.c.aggregate_id.in_(_in('agg_ids'))))


def roots_of(session, ids):
    """Root ids of the providers ids."""
    if not ids:
        return set()
    return set(session.execute(_ROOTS_OF, {'ids': sorted(ids)}).scalars())


def anchored_roots(session, agg_ids):
    """Roots of the trees that have a provider in one of agg_ids."""
    return set(session.execute(_ANCHORED_ROOTS,
                               {'agg_ids': sorted(agg_ids)}).scalars())


def _used_of_inventory():
    """The allocations of the inventory row's provider and class."""
    return sa.select(sa.func.coalesce(sa.func.sum(_ALLOC.c.used), 0)).where(
        _ALLOC.c.resource_provider_id == _INV.c.resource_provider_id,
        _ALLOC.c.resource_class_id == _INV.c.resource_class_id
    ).scalar_subquery()


@functools.lru_cache(maxsize=32)
def _roots_with_classes_statement(is_range, classes):
    used = _used_of_inventory()
    fits = sa.or_(*[sa.and_(
        _INV.c.resource_class_id == sa.bindparam('rc%d' % index),
        _INV.c.max_unit >= sa.bindparam('amount%d' % index),
        _capacity(_INV) >= used + sa.bindparam('amount%d' % index))
        for index in range(classes)])
    return (sa.select(_RP.c.root_provider_id)
            .select_from(_INV.join(_RP,
                                   _RP.c.id == _INV.c.resource_provider_id))
            .where(batch_condition(_RP.c.root_provider_id, is_range), fits)
            .group_by(_RP.c.root_provider_id)
            .having(sa.func.count(_INV.c.resource_class_id.distinct()) ==
                    classes))


def roots_with_classes(session, roots, min_amounts):
    """Those of roots whose tree has, for every {rc_id: amount}, some
    provider with that much free: a coarse filter before loading trees."""
    params = {}
    for index, (rc, amount) in enumerate(sorted(min_amounts.items())):
        params.update({'rc%d' % index: rc, 'amount%d' % index: amount})
    found = set()
    for chunk in _chunks(sorted(roots)):
        batch = IdBatch.of(chunk)
        rows = session.execute(
            _roots_with_classes_statement(batch.is_range, len(min_amounts)),
            dict(params, **batch.params()))
        found.update(set(rows.scalars()) & set(chunk))
    return found


@functools.lru_cache(maxsize=2)
def _tree_members_statement(is_range):
    return sa.select(_RP.c.id, _RP.c.uuid, _RP.c.parent_provider_id,
                     _RP.c.root_provider_id).where(
        batch_condition(_RP.c.root_provider_id, is_range))


def load_trees(session, roots):
    """{provider id: Provider} of every provider of the given trees."""
    providers = {}
    for chunk in _chunks(sorted(roots)):
        wanted = set(chunk)
        batch = IdBatch.of(chunk)
        rows = session.execute(_tree_members_statement(batch.is_range),
                               batch.params())
        for row in rows:
            if row[3] in wanted:
                providers[row[0]] = Provider(*row)
    _load_details(session, providers)
    return providers


@functools.lru_cache(maxsize=2)
def _aggregates_statement(is_range):
    return sa.select(_RPA.c.resource_provider_id, _RPA.c.aggregate_id).where(
        batch_condition(_RPA.c.resource_provider_id, is_range))


def _load_details(session, providers):
    for chunk in _chunks(sorted(providers)):
        batch = IdBatch.of(chunk)
        _load_inventories(session, providers, batch)
        _load_traits(session, providers, batch)
        rows = session.execute(_aggregates_statement(batch.is_range),
                               batch.params())
        for rp_id, agg_id in rows:
            if rp_id in providers:
                providers[rp_id].agg_ids.add(agg_id)


@functools.lru_cache(maxsize=2)
def _traits_statement(is_range):
    return sa.select(_RPT.c.resource_provider_id, _RPT.c.trait_id).where(
        batch_condition(_RPT.c.resource_provider_id, is_range))


_TRAIT_NAMES = sa.select(t.TRAITS.c.id, t.TRAITS.c.name).where(
    t.TRAITS.c.id.in_(_in('ids')))


def _load_traits(session, providers, batch):
    rows = session.execute(_traits_statement(batch.is_range),
                           batch.params()).all()
    trait_ids = sorted({trait_id for _rp, trait_id in rows})
    if not trait_ids:
        return
    # The names of a few distinct traits, rather than a name per row.
    names = dict(session.execute(_TRAIT_NAMES, {'ids': trait_ids}).all())
    for rp_id, trait_id in rows:
        provider = providers.get(rp_id)
        if provider is not None:
            provider.trait_ids.add(trait_id)
            provider.trait_names.append(names[trait_id])


@functools.lru_cache(maxsize=4)
def _inventories_statement(is_range, exclude):
    conditions = [batch_condition(_INV.c.resource_provider_id, is_range)]
    if exclude:
        conditions.append(_INV.c.resource_class_id.not_in(
            _in('exclude_rcs')))
    return sa.select(
        _INV.c.resource_provider_id, _INV.c.resource_class_id,
        _INV.c.total, _INV.c.reserved, _INV.c.allocation_ratio,
        _INV.c.min_unit, _INV.c.max_unit, _INV.c.step_size,
        _used_of_inventory()).where(*conditions)


def _load_inventories(session, providers, batch, exclude_rcs=()):
    """Inventories with their usage, of the providers in the batch (but
    not of the classes in exclude_rcs, which the caller has)."""
    params = batch.params()
    if exclude_rcs:
        params['exclude_rcs'] = list(exclude_rcs)
    rows = session.execute(
        _inventories_statement(batch.is_range, bool(exclude_rcs)), params)
    for (rp_id, rc_id, total, reserved, ratio, min_unit, max_unit, step,
         used) in rows:
        if rp_id in providers:
            providers[rp_id].inventories[rc_id] = Inventory(
                int((total - reserved) * ratio), int(used), min_unit,
                max_unit, step)
