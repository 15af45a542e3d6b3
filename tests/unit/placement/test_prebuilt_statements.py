"""Placement's hot statements are built once per shape, and the answers
they give are those of a plain model of the candidates rules.

The candidates engine and the claim path once built every statement on
each call; they now reuse statement objects (SQLAlchemy then finds the
compiled form by the statement's memoized cache key). These tests check
the reuse, and that results on a seeded database equal what the rules
of doc/api/placement-candidates.rst give, on SQLite, MariaDB and
PostgreSQL.
"""
import random
import uuid

import pytest
import sqlalchemy as sa

from nova import conf as nova_conf
from nova import context as nova_context
from nova.db import engines
from nova.db import migration
from nova.placement.candidates import RequestGroup
from nova.placement import direct
from tests.unit.db.conftest import BACKENDS
from tests.unit.db.conftest import DatabaseFactory
from tests.unit.placement.test_candidates_world import uuid_of
from tests.unit.placement.test_candidates_world import World

TRAITS = ('HW_CPU_X86_AVX', 'HW_CPU_X86_SSE', 'CUSTOM_GOLD',
          'COMPUTE_STATUS_DISABLED')
AGGREGATES = ('agg1', 'agg2', 'agg3')
CLASSES = ('VCPU', 'MEMORY_MB', 'DISK_GB')
TOTALS = {'VCPU': 16, 'MEMORY_MB': 8192, 'DISK_GB': 200}


@pytest.fixture(params=BACKENDS)
def world(request, tmp_path):
    factory = DatabaseFactory(tmp_path)
    world = World(factory(request.param))
    yield world
    factory.drop_all()


class Executed:
    """The statement objects an engine executes while recording."""

    def __init__(self, engine):
        self.engine = engine
        self.statements = []

    def _record(self, conn, clauseelement, *args):
        self.statements.append(clauseelement)

    def __call__(self, func, *args, **kwargs):
        self.statements = []
        sa.event.listen(self.engine, 'before_execute', self._record)
        try:
            func(*args, **kwargs)
        finally:
            sa.event.remove(self.engine, 'before_execute', self._record)
        return list(self.statements)


def _same_objects(first, second):
    """Every statement of second is an object run in first."""
    ids = {id(s) for s in first}
    return [str(s) for s in second if id(s) not in ids]


def test_candidates_reuse_their_statements(world):
    world.provider('h1', inventory={'VCPU': 8, 'MEMORY_MB': 4096},
                   traits=['HW_CPU_X86_AVX'], aggregates=['agg1'])
    world.provider('h2', inventory={'VCPU': 8, 'MEMORY_MB': 4096},
                   traits=['HW_CPU_X86_SSE'], aggregates=['agg2'])
    world.provider('h3', inventory={'VCPU': 2, 'MEMORY_MB': 1024,
                                    'DISK_GB': 10})

    def request(vcpus, trait, agg, limit):
        return [RequestGroup(resources={'VCPU': vcpus, 'MEMORY_MB': 512},
                             required_traits=[{trait}],
                             forbidden_traits={'COMPUTE_STATUS_DISABLED'},
                             member_of=[{uuid_of(agg)}])], limit

    executed = Executed(world.engine)
    world.get(*request(1, 'HW_CPU_X86_AVX', 'agg1', 5))     # warm up
    first = executed(world.get, *request(1, 'HW_CPU_X86_AVX', 'agg1', 5))
    # Other values, same shape: the same statement objects.
    second = executed(world.get, *request(2, 'HW_CPU_X86_SSE', 'agg2', 1))
    assert first and _same_objects(first, second) == []
    found = world.get(*request(2, 'HW_CPU_X86_SSE', 'agg2', 1))
    assert world.providers(found) == ['h2']


def test_claims_reuse_their_statements(world):
    conf = nova_conf.build_conf(
        overrides={'api_database.connection': world.url})
    migration.create_schema(world.url, 'api')
    placement = direct.Placement(conf)
    ctx = nova_context.get_admin_context()
    providers = []
    for name in ('c1', 'c2'):
        rp = str(uuid.uuid4())
        placement.sync_provider(ctx, rp, name,
                                {'VCPU': {'total': 100}}, set())
        providers.append(rp)
    executed = Executed(engines.get_engine(world.url))

    def claim_twice():
        consumer = str(uuid.uuid4())
        placement.claim(ctx, consumer, {providers[0]: {'VCPU': 1},
                                        providers[1]: {'VCPU': 1}}, 'p', 'u')
        # A second claim of the same consumer replaces its allocations.
        placement.claim(ctx, consumer, {providers[0]: {'VCPU': 2}}, 'p', 'u')

    claim_twice()                                    # warm up
    first = executed(claim_twice)
    second = executed(claim_twice)
    assert first and _same_objects(first, second) == []
    assert placement.usages(ctx, 'p') == {'VCPU': 6}


# -- results against a model of the rules -----------------------------------

def _inventory(rng, rc):
    total = TOTALS[rc]
    spec = {'total': total}
    if rng.random() < 0.25:
        spec['reserved'] = total // 4
    if rng.random() < 0.25:
        # Exact in single precision (MariaDB's FLOAT column).
        spec['ratio'] = rng.choice([0.5, 1.5, 4.0])
    if rng.random() < 0.2:
        spec['step_size'] = rng.choice([2, 4])
    if rng.random() < 0.1:
        spec['min_unit'] = 2
    if rng.random() < 0.1:
        spec['max_unit'] = total // 4
    return spec


def _seed(world, rng, count):
    """count lone providers; returns the model: [(name, {rc: spec},
    {rc: used}, traits, aggregates)] in id order."""
    model = []
    for index in range(count):
        name = 'h%02d' % index
        inventory = {rc: _inventory(rng, rc) for rc in CLASSES
                     if rng.random() < 0.85}
        traits = {t for t in TRAITS if rng.random() < 0.3}
        aggs = {a for a in AGGREGATES if rng.random() < 0.35}
        world.provider(name, inventory=inventory, traits=sorted(traits),
                       aggregates=sorted(aggs))
        used = {}
        for _ in range(rng.randint(0, 3)):
            amounts = {rc: rng.choice([1, 2, 4]) for rc in inventory
                       if rng.random() < 0.7}
            if amounts:
                world.allocate(name, **amounts)
                for rc, amount in amounts.items():
                    used[rc] = used.get(rc, 0) + amount
        model.append((name, inventory, used, traits, aggs))
    world.aggregate('unused')
    return model


def _random_groups(rng):
    def group(suffix):
        classes = rng.sample(CLASSES, rng.choice([1, 2, 3]))
        g = RequestGroup(suffix=suffix, resources={
            rc: rng.choice([1, 2, 3, 4, 8]) for rc in classes})
        if rng.random() < 0.35:
            g.required_traits = [set(rng.sample(TRAITS[:3], rng.choice(
                [1, 2]))) for _ in range(rng.choice([1, 2]))]
        if rng.random() < 0.4:
            g.forbidden_traits = set(rng.sample(TRAITS, 1))
        if rng.random() < 0.3:
            g.member_of = [{uuid_of(a) for a in rng.sample(
                AGGREGATES + ('unused',), rng.choice([1, 2]))}]
        if rng.random() < 0.2:
            g.forbidden_aggs = {uuid_of(rng.choice(AGGREGATES))}
        return g
    groups = [group('')]
    if rng.random() < 0.3:
        groups.append(group('1'))
    return groups


def _capacity(spec):
    return int((spec['total'] - spec.get('reserved', 0)) *
               spec.get('ratio', 1.0))


def _fits(provider, groups):
    _name, inventory, used, traits, aggs = provider
    amounts = {}
    for g in groups:
        for rc, amount in g.resources.items():
            amounts.setdefault(rc, []).append(amount)
        if not all(names & traits for names in g.required_traits):
            return False
        if g.forbidden_traits & traits:
            return False
        agg_names = {uuid_of(a) for a in aggs}
        if not all(uuids & agg_names for uuids in g.member_of):
            return False
        if g.forbidden_aggs & agg_names:
            return False
    for rc, wanted in amounts.items():
        spec = inventory.get(rc)
        if spec is None:
            return False
        if (min(wanted) < spec.get('min_unit', 1) or
                sum(wanted) > spec.get('max_unit', spec['total']) or
                any(a % spec.get('step_size', 1) for a in wanted) or
                used.get(rc, 0) + sum(wanted) > _capacity(spec)):
            return False
    return True


def _expected(model, groups, limit):
    chosen = [p for p in model if _fits(p, groups)][:limit]
    areqs, summaries = [], {}
    for name, inventory, used, traits, _aggs in chosen:
        uuid_ = uuid_of(name)
        totals = {}
        for g in groups:
            for rc, amount in g.resources.items():
                totals[rc] = totals.get(rc, 0) + amount
        areqs.append({'allocations': {uuid_: {'resources': totals}},
                      'mappings': {g.suffix: [uuid_] for g in groups}})
        summaries[uuid_] = {
            'resources': {rc: {'capacity': _capacity(spec),
                               'used': used.get(rc, 0)}
                          for rc, spec in inventory.items()},
            'traits': sorted(traits), 'parent_provider_uuid': None,
            'root_provider_uuid': uuid_}
    return areqs, summaries


def test_lone_candidates_follow_the_rules_on_a_seeded_database(world):
    rng = random.Random(20261124)
    model = _seed(world, rng, 30)
    answered = 0
    for _ in range(60):
        groups = _random_groups(rng)
        limit = rng.choice([None, 1, 4, 50])
        found = world.get(groups, limit=limit,
                          group_policy='none' if len(groups) > 1 else None)
        areqs, summaries = _expected(model, groups, limit)
        assert found.allocation_requests == areqs, groups
        assert found.provider_summaries == summaries, groups
        answered += bool(areqs)
    assert answered > 20     # the requests are not all impossible
