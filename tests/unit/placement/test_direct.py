"""nova.placement.direct: the in-process placement interface."""
import threading
import uuid

import pytest

from nova import conf as nova_conf
from nova.db import migration
from nova import exception
from nova.placement import direct
from tests.unit.db.conftest import BACKENDS
from tests.unit.db.conftest import DatabaseFactory

CPU_RAM = {'VCPU': {'total': 8, 'allocation_ratio': 2.0},
           'MEMORY_MB': {'total': 4096, 'reserved': 512, 'max_unit': 2048}}


@pytest.fixture(params=BACKENDS)
def api_db_conf(request, tmp_path):
    """These tests run on SQLite, MariaDB and PostgreSQL (the SQL differs:
    insert-or-ignore, row-value IN, rowcounts, isolation)."""
    factory = DatabaseFactory(tmp_path)
    try:
        url = factory(request.param)
        migration.create_schema(url, 'api')
        yield nova_conf.build_conf(
            overrides={'api_database.connection': url})
    finally:
        factory.drop_all()


def new_uuid():
    return str(uuid.uuid4())


def host(placement, ctx, name='host1', inventories=None, traits=()):
    rp = new_uuid()
    placement.sync_provider(ctx, rp, name, inventories or CPU_RAM,
                            set(traits))
    return rp


def test_ensure_provider_creates_once_and_builds_trees(placement, ctx):
    root = new_uuid()
    made = placement.ensure_provider(ctx, root, 'root')
    assert made == {'uuid': root, 'name': 'root', 'generation': 0,
                    'parent_uuid': None, 'root_uuid': root}
    assert placement.ensure_provider(ctx, root, 'other name') == made
    child = new_uuid()
    assert placement.ensure_provider(ctx, child, 'child', root) == {
        'uuid': child, 'name': 'child', 'generation': 0,
        'parent_uuid': root, 'root_uuid': root}
    assert placement.get_provider(ctx, new_uuid()) is None
    with pytest.raises(exception.ResourceProviderExists):
        placement.ensure_provider(ctx, new_uuid(), 'root')


def test_sync_provider_writes_only_changes(placement, ctx):
    rp = new_uuid()
    gen = placement.sync_provider(ctx, rp, 'h', CPU_RAM, {'HW_CPU_X86_AVX'})
    assert gen == 1
    assert placement.sync_provider(ctx, rp, 'h', CPU_RAM,
                                   {'HW_CPU_X86_AVX'}) == 1
    gen = placement.sync_provider(ctx, rp, 'h', CPU_RAM,
                                  {'CUSTOM_GOLD', 'COMPUTE_STATUS_DISABLED'})
    assert gen == 2
    gen = placement.sync_provider(ctx, rp, 'h', {
        'VCPU': {'total': 16}, 'CUSTOM_FPGA': {'total': 2}}, set())
    assert gen == 3


def test_sync_provider_unchanged_odd_ratios_write_nothing(placement, ctx):
    # allocation_ratio is single precision on MySQL.
    rp = new_uuid()
    inventories = {'VCPU': {'total': 4, 'allocation_ratio': 1.1},
                   'MEMORY_MB': {'total': 100, 'allocation_ratio': 0.9}}
    assert placement.sync_provider(ctx, rp, 'h', inventories, set()) == 1
    assert placement.sync_provider(ctx, rp, 'h', inventories, set()) == 1


def test_sync_provider_rejects_unknown_standard_trait(placement, ctx):
    with pytest.raises(exception.TraitNotFound):
        placement.sync_provider(ctx, new_uuid(), 'h', CPU_RAM, {'NO_SUCH'})
    assert placement.providers_by_name(ctx, ['h']) == {}


def test_claim_checks_capacity_ratio_and_units(placement, ctx):
    rp = host(placement, ctx)
    me = new_uuid()
    placement.claim(ctx, me, {rp: {'VCPU': 16, 'MEMORY_MB': 2048}}, 'p', 'u')
    assert placement.get_allocations(ctx, me) == {
        'allocations': {rp: {'VCPU': 16, 'MEMORY_MB': 2048}},
        'consumer_generation': 1, 'project_id': 'p', 'user_id': 'u',
        'consumer_type': 'INSTANCE'}
    with pytest.raises(exception.InsufficientResources, match='capacity'):
        placement.claim(ctx, new_uuid(), {rp: {'VCPU': 1}}, 'p', 'u')
    with pytest.raises(exception.InsufficientResources, match='max_unit'):
        placement.claim(ctx, new_uuid(), {rp: {'MEMORY_MB': 4000}}, 'p', 'u')
    with pytest.raises(exception.InsufficientResources, match='invalid'):
        placement.claim(ctx, new_uuid(), {rp: {'DISK_GB': 1}}, 'p', 'u')
    # Replacing one's own allocation counts only the new amounts.
    placement.claim(ctx, me, {rp: {'VCPU': 10, 'MEMORY_MB': 1000}}, 'p', 'u')
    assert placement.allocations_on_provider(ctx, rp) == {
        me: {'VCPU': 10, 'MEMORY_MB': 1000}}
    # reserved memory is not allocatable: 4096 - 512 - 1000 left.
    placement.claim(ctx, new_uuid(), {rp: {'MEMORY_MB': 2048}}, 'p', 'u')
    with pytest.raises(exception.InsufficientResources):
        placement.claim(ctx, new_uuid(), {rp: {'MEMORY_MB': 537}}, 'p', 'u')
    placement.claim(ctx, new_uuid(), {rp: {'MEMORY_MB': 536}}, 'p', 'u')


def test_claim_consumer_generation(placement, ctx):
    rp = host(placement, ctx)
    me = new_uuid()
    placement.claim(ctx, me, {rp: {'VCPU': 1}}, 'p', 'u',
                    consumer_generation=direct.NEW_CONSUMER)
    with pytest.raises(exception.ConsumerGenerationConflict):
        placement.claim(ctx, me, {rp: {'VCPU': 2}}, 'p', 'u',
                        consumer_generation=direct.NEW_CONSUMER)
    with pytest.raises(exception.ConsumerGenerationConflict):
        placement.claim(ctx, me, {rp: {'VCPU': 2}}, 'p', 'u',
                        consumer_generation=7)
    placement.claim(ctx, me, {rp: {'VCPU': 2}}, 'p', 'u',
                    consumer_generation=1)
    assert placement.get_allocations(ctx, me)['consumer_generation'] == 2


def test_claim_unknown_provider_is_invalid(placement, ctx):
    with pytest.raises(exception.Invalid):
        placement.claim(ctx, new_uuid(), {new_uuid(): {'VCPU': 1}}, 'p', 'u')


def test_claim_many_counts_earlier_claims_and_skips_refused(placement, ctx):
    rp = host(placement, ctx, inventories={'VCPU': {'total': 3}})
    claims = [dict(consumer_uuid=new_uuid(), allocations={rp: {'VCPU': 1}},
                   project_id='p', user_id='u') for _ in range(5)]
    results = placement.claim_many(ctx, claims)
    assert [err is None for _, err in results] == [True] * 3 + [False] * 2
    assert 'capacity' in results[3][1]
    assert placement.usages(ctx, 'p') == {'VCPU': 3}
    assert placement.consumers(ctx) == {c['consumer_uuid']
                                        for c in claims[:3]}


def test_claim_many_of_100_uses_few_queries(placement, ctx, api_db_conf):
    import sqlalchemy as sa
    from nova.db import engines
    rp = host(placement, ctx, inventories={'VCPU': {'total': 1000}})
    claims = [dict(consumer_uuid=new_uuid(), allocations={rp: {'VCPU': 1}},
                   project_id='p', user_id='u') for _ in range(100)]
    statements = []
    engine = engines.get_engine(api_db_conf.api_database.connection)

    def count(*args):
        statements.append(args)
    sa.event.listen(engine, 'before_cursor_execute', count)
    try:
        results = placement.claim_many(ctx, claims)
    finally:
        sa.event.remove(engine, 'before_cursor_execute', count)
    assert all(err is None for _, err in results)
    assert len(statements) < 20


def test_move_and_delete_allocations(placement, ctx):
    rp = host(placement, ctx)
    instance, migration = new_uuid(), new_uuid()
    placement.claim(ctx, instance, {rp: {'VCPU': 4}}, 'p', 'u')
    placement.move_allocations(ctx, instance, migration)
    assert placement.get_allocations(ctx, instance)['allocations'] == {}
    moved = placement.get_allocations(ctx, migration)
    assert moved['allocations'] == {rp: {'VCPU': 4}}
    assert moved['project_id'] == 'p'
    placement.claim(ctx, instance, {rp: {'VCPU': 8}}, 'p', 'u')
    assert placement.usages(ctx, 'p') == {'VCPU': 12}
    placement.delete_allocations(ctx, [migration, new_uuid()])
    assert placement.usages(ctx, 'p', 'u') == {'VCPU': 8}
    assert placement.usages(ctx, 'p', 'someone else') == {}
    assert placement.consumers(ctx) == {instance}


def test_delete_provider_refused_with_allocations(placement, ctx):
    rp = host(placement, ctx)
    me = new_uuid()
    placement.claim(ctx, me, {rp: {'VCPU': 1}}, 'p', 'u')
    with pytest.raises(exception.ResourceProviderInUse):
        placement.delete_provider(ctx, rp)
    placement.delete_allocations(ctx, [me])
    placement.delete_provider(ctx, rp)
    assert placement.get_provider(ctx, rp) is None


def test_inventory_in_use_cannot_be_removed(placement, ctx):
    rp = host(placement, ctx)
    placement.claim(ctx, new_uuid(), {rp: {'VCPU': 1}}, 'p', 'u')
    with pytest.raises(exception.InventoryInUse):
        placement.sync_provider(ctx, rp, 'host1',
                                {'MEMORY_MB': {'total': 10}}, set())


def test_aggregates(placement, ctx):
    rp = host(placement, ctx)
    agg1, agg2 = new_uuid(), new_uuid()
    placement.add_to_aggregate(ctx, rp, agg1)
    placement.add_to_aggregate(ctx, rp, agg2)
    assert placement.get_aggregates(ctx, rp) == {agg1, agg2}
    placement.remove_from_aggregate(ctx, rp, agg1)
    assert placement.get_aggregates(ctx, rp) == {agg2}
    placement.set_aggregates(ctx, rp, [])
    assert placement.get_aggregates(ctx, rp) == set()
    assert placement.get_provider(ctx, rp)['generation'] == 5


def test_providers_by_name(placement, ctx):
    a = host(placement, ctx, 'a')
    assert placement.providers_by_name(ctx, ['a', 'b']) == {'a': a}


def test_concurrent_claims_never_overcommit(placement, ctx):
    rp = host(placement, ctx, inventories={'VCPU': {'total': 10}})
    errors = []

    def claim():
        from nova import context as nova_context
        try:
            placement.claim(nova_context.get_admin_context(), new_uuid(),
                            {rp: {'VCPU': 1}}, 'p', 'u')
        except exception.InsufficientResources:
            errors.append(1)
    threads = [threading.Thread(target=claim) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert placement.usages(ctx, 'p') == {'VCPU': 10}
    assert len(errors) == 6
