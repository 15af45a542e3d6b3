"""The allocation candidates engine on real databases: SQLite, and
MariaDB and PostgreSQL when their servers run (see tests/unit/db)."""
import pytest

from nova import exception
from nova.placement.candidates import RequestGroup
from tests.unit.placement.test_candidates_world import uuid_of
from tests.unit.placement.test_candidates_world import World
from tests.unit.db.conftest import BACKENDS
from tests.unit.db.conftest import DatabaseFactory

HOST = {'VCPU': 8, 'MEMORY_MB': 4096, 'DISK_GB': 100}
SMALL = {'VCPU': 1, 'MEMORY_MB': 512, 'DISK_GB': 1}


@pytest.fixture(params=BACKENDS)
def world(request, tmp_path):
    factory = DatabaseFactory(tmp_path)
    world = World(factory(request.param))
    yield world
    factory.drop_all()


def group(suffix='', **kwargs):
    return RequestGroup(suffix=suffix, **kwargs)


def test_capacity_counts_reserved_ratio_and_usage(world):
    world.provider('full', inventory={'VCPU': 4})
    world.allocate('full', VCPU=4)
    world.provider('reserved', inventory={
        'VCPU': {'total': 4, 'reserved': 3}})
    world.provider('overcommit', inventory={'VCPU': {'total': 2,
                                                      'ratio': 4.0}})
    world.allocate('overcommit', VCPU=6)
    result = world.get([group(resources={'VCPU': 2})])
    assert world.providers(result) == ['overcommit']
    assert result.provider_summaries[uuid_of('overcommit')] == {
        'resources': {'VCPU': {'capacity': 8, 'used': 6}},
        'traits': [], 'parent_provider_uuid': None,
        'root_provider_uuid': uuid_of('overcommit')}


def test_min_max_unit_and_step_size(world):
    world.provider('steps', inventory={'DISK_GB': {
        'total': 100, 'step_size': 10, 'min_unit': 10, 'max_unit': 50}})
    for amount, fits in ((10, True), (50, True), (5, False), (15, False),
                         (60, False)):
        result = world.get([group(resources={'DISK_GB': amount})])
        assert bool(result.allocation_requests) is fits, amount


def test_every_class_must_fit_on_a_lone_provider(world):
    world.provider('cpu_only', inventory={'VCPU': 8})
    world.provider('host', inventory=HOST)
    result = world.get([group(resources=SMALL)])
    assert world.named(result) == [({'host': SMALL}, {'': ['host']})]
    assert list(result.provider_summaries) == [uuid_of('host')]


def test_required_forbidden_and_any_of_traits(world):
    world.provider('avx', inventory=HOST, traits=['HW_CPU_X86_AVX'])
    world.provider('sse', inventory=HOST, traits=['HW_CPU_X86_SSE'])
    world.provider('both', inventory=HOST,
                   traits=['HW_CPU_X86_AVX', 'HW_CPU_X86_SSE'])
    world.provider('none', inventory=HOST)
    get = world.get
    assert world.providers(get([group(
        resources=SMALL, required_traits=[{'HW_CPU_X86_AVX'}])])) == [
        'avx', 'both']
    assert world.providers(get([group(
        resources=SMALL, forbidden_traits={'HW_CPU_X86_AVX'})])) == [
        'none', 'sse']
    assert world.providers(get([group(
        resources=SMALL,
        required_traits=[{'HW_CPU_X86_AVX', 'HW_CPU_X86_SSE'}],
        forbidden_traits={'HW_CPU_X86_SSE'})])) == ['avx']
    assert world.providers(get([group(
        resources=SMALL, required_traits=[{'HW_CPU_X86_AVX512F'}])])) == []


def test_unknown_names_raise(world):
    world.provider('host', inventory=HOST)
    with pytest.raises(exception.TraitNotFound):
        world.get([group(resources=SMALL,
                         required_traits=[{'CUSTOM_NOWHERE'}])])
    with pytest.raises(exception.ResourceClassNotFound):
        world.get([group(resources={'CUSTOM_NOWHERE': 1})])


def test_member_of_forbidden_aggregates_and_in_tree(world):
    world.provider('a', inventory=HOST, aggregates=['agg1'])
    world.provider('b', inventory=HOST, aggregates=['agg2'])
    world.provider('ab', inventory=HOST, aggregates=['agg1', 'agg2'])
    world.provider('none', inventory=HOST)
    world.aggregate('empty')
    agg1, agg2 = uuid_of('agg1'), uuid_of('agg2')
    get = world.get
    assert world.providers(get([group(
        resources=SMALL, member_of=[{agg1, agg2}])])) == ['a', 'ab', 'b']
    assert world.providers(get([group(
        resources=SMALL, member_of=[{agg1}, {agg2}])])) == ['ab']
    assert world.providers(get([group(
        resources=SMALL, forbidden_aggs={agg1})])) == ['b', 'none']
    assert world.providers(get([group(
        resources=SMALL, member_of=[{uuid_of('empty')}])])) == []
    assert world.providers(get([group(
        resources=SMALL, member_of=[{uuid_of('never-made')}])])) == []
    assert world.providers(get([group(
        resources=SMALL, in_tree=uuid_of('b'))])) == ['b']
    assert world.providers(get([group(
        resources=SMALL, in_tree=uuid_of('missing'))])) == []


def test_limit_is_the_first_by_id_or_a_random_sample(world):
    for i in range(20):
        world.provider('h%02d' % i, inventory=HOST)
    result = world.get([group(resources=SMALL)], limit=5)
    assert world.providers(result) == ['h00', 'h01', 'h02', 'h03', 'h04']
    assert len(result.provider_summaries) == 5
    seen = set()
    for _ in range(10):
        result = world.get([group(resources=SMALL)], limit=5,
                           randomize=True)
        names = world.providers(result)
        assert len(names) == 5 and len(set(names)) == 5
        assert set(result.provider_summaries) == {uuid_of(n) for n in names}
        seen.update(names)
    assert len(seen) > 5


def test_granular_groups_on_one_provider_add_up(world):
    world.provider('small', inventory={'VCPU': 3})
    world.provider('big', inventory={'VCPU': 4})
    result = world.get([group(resources={'VCPU': 2}),
                        group('1', resources={'VCPU': 2})],
                       group_policy='none')
    assert world.named(result) == [({'big': {'VCPU': 4}},
                                    {'': ['big'], '1': ['big']})]
    # isolate never puts two suffixed groups on one provider
    result = world.get([group('1', resources={'VCPU': 1}),
                        group('2', resources={'VCPU': 1})],
                       group_policy='isolate')
    assert result.allocation_requests == []


def numa_host(world, name='cn', numa_cpus=(4, 4), traits=()):
    """A compute node with memory and disk on the root and VCPU on two
    NUMA children; one child has a NIC with bandwidth below it."""
    world.provider(name, inventory={'MEMORY_MB': 4096, 'DISK_GB': 100},
                   traits=traits, aggregates=['agg-' + name])
    for index, cpus in enumerate(numa_cpus):
        world.provider('%s-numa%d' % (name, index), parent=name,
                       inventory={'VCPU': cpus},
                       traits=['HW_NUMA_ROOT'])
    world.provider(name + '-nic', parent=name + '-numa1',
                   inventory={'NET_BW_EGR_KILOBIT_PER_SEC': 1000},
                   traits=['CUSTOM_PHYSNET_A'])


def test_unsuffixed_group_spreads_over_a_tree(world):
    numa_host(world)
    result = world.get([group(resources=SMALL)])
    assert world.named(result) == [
        ({'cn': {'MEMORY_MB': 512, 'DISK_GB': 1}, 'cn-numa0': {'VCPU': 1}},
         {'': ['cn', 'cn-numa0']}),
        ({'cn': {'MEMORY_MB': 512, 'DISK_GB': 1}, 'cn-numa1': {'VCPU': 1}},
         {'': ['cn', 'cn-numa1']})]
    summaries = result.provider_summaries
    assert len(summaries) == 4     # the whole tree, the NIC included
    assert summaries[uuid_of('cn-nic')]['parent_provider_uuid'] == \
        uuid_of('cn-numa1')
    assert summaries[uuid_of('cn-nic')]['root_provider_uuid'] == \
        uuid_of('cn')
    # before microversion 1.29 no request may take from two providers
    old = world.get([group(resources=SMALL)], nested_aware=False)
    assert old.allocation_requests == []


def test_granular_groups_isolate_and_traits_in_a_tree(world):
    numa_host(world)
    groups = [group(resources={'MEMORY_MB': 512}),
              group('a', resources={'VCPU': 2},
                    required_traits=[{'HW_NUMA_ROOT'}]),
              group('b', resources={'VCPU': 2})]
    none = world.get(groups, group_policy='none')
    assert len(none.allocation_requests) == 4
    isolate = world.get(groups, group_policy='isolate')
    assert [m for _a, m in world.named(isolate)] == [
        {'': ['cn'], 'a': ['cn-numa0'], 'b': ['cn-numa1']},
        {'': ['cn'], 'a': ['cn-numa1'], 'b': ['cn-numa0']}]
    # merged amounts must fit: 2 + 3 VCPU on one 4-VCPU NUMA node do not
    merged = world.get([group('a', resources={'VCPU': 2}),
                        group('b', resources={'VCPU': 3})],
                       group_policy='none')
    assert [m for _a, m in world.named(merged)] == [
        {'a': ['cn-numa0'], 'b': ['cn-numa1']},
        {'a': ['cn-numa1'], 'b': ['cn-numa0']}]


def test_same_subtree_and_resourceless_groups(world):
    numa_host(world)
    groups = [group('cpu', resources={'VCPU': 1}),
              group('bw', resources={'NET_BW_EGR_KILOBIT_PER_SEC': 100}),
              group('numa', required_traits=[{'HW_NUMA_ROOT'}])]
    result = world.get(groups, group_policy='none',
                       same_subtree=[['cpu', 'bw', 'numa']])
    assert world.named(result) == [
        ({'cn-numa1': {'VCPU': 1},
          'cn-nic': {'NET_BW_EGR_KILOBIT_PER_SEC': 100}},
         {'cpu': ['cn-numa1'], 'bw': ['cn-nic'], 'numa': ['cn-numa1']})]
    # isolate counts resourceless groups too: cpu and numa on siblings
    # are never in one subtree
    pair = [group('cpu', resources={'VCPU': 1}),
            group('numa', required_traits=[{'HW_NUMA_ROOT'}])]
    assert len(world.get(pair, group_policy='none', same_subtree=[
        ['cpu', 'numa']]).allocation_requests) == 2
    assert world.get(pair, group_policy='isolate', same_subtree=[
        ['cpu', 'numa']]).allocation_requests == []


def test_root_required_and_forbidden(world):
    numa_host(world, 'gold', traits=['CUSTOM_GOLD'])
    numa_host(world, 'plain')
    world.provider('lone-gold', inventory=HOST, traits=['CUSTOM_GOLD'])
    result = world.get([group(resources={'VCPU': 1, 'MEMORY_MB': 1})],
                       root_required={'CUSTOM_GOLD'})
    roots = {world.names[s['root_provider_uuid']]
             for s in result.provider_summaries.values()}
    assert roots == {'gold', 'lone-gold'}
    result = world.get([group(resources={'VCPU': 1, 'MEMORY_MB': 1})],
                       root_forbidden={'CUSTOM_GOLD'})
    roots = {world.names[s['root_provider_uuid']]
             for s in result.provider_summaries.values()}
    assert roots == {'plain'}


def test_member_of_through_the_root(world):
    numa_host(world, 'cn1')
    numa_host(world, 'cn2')
    result = world.get([group('1', resources={'VCPU': 1},
                              member_of=[{uuid_of('agg-cn2')}])])
    assert sorted(world.providers(result)) == ['cn2-numa0', 'cn2-numa1']


def test_trees_and_lone_providers_mix_in_id_order(world):
    world.provider('lone1', inventory=HOST)
    numa_host(world)
    world.provider('lone2', inventory=HOST)
    result = world.get([group(resources=SMALL)])
    firsts = [sorted(allocs)[0] for allocs, _m in world.named(result)]
    assert firsts == ['lone1', 'cn', 'cn', 'lone2']
    limited = world.get([group(resources=SMALL)], limit=2)
    assert [sorted(a)[0] for a, _m in world.named(limited)] == [
        'lone1', 'cn']
    assert len(limited.provider_summaries) == 5


def shared_storage(world):
    """cn: VCPU and memory but no disk, in aggregate S with the shared
    storage ss; cn-disk: a compute with its own disk, also in S; lone: a
    compute outside S."""
    world.provider('cn', inventory={'VCPU': 8, 'MEMORY_MB': 4096},
                   aggregates=['S'])
    world.provider('ss', inventory={'DISK_GB': 1000},
                   traits=['MISC_SHARES_VIA_AGGREGATE'], aggregates=['S'])
    world.provider('cn-disk', inventory=HOST, aggregates=['S'])
    world.provider('lone', inventory=HOST)


def test_sharing_provider_serves_the_trees_of_its_aggregate(world):
    shared_storage(world)
    result = world.get([group(resources=SMALL)])
    assert [allocs for allocs, _m in world.named(result)] == [
        {'cn': {'VCPU': 1, 'MEMORY_MB': 512}, 'ss': {'DISK_GB': 1}},
        {'cn-disk': SMALL},
        {'cn-disk': {'VCPU': 1, 'MEMORY_MB': 512}, 'ss': {'DISK_GB': 1}},
        {'lone': SMALL}]
    assert {world.names[u] for u in result.provider_summaries} == {
        'cn', 'ss', 'cn-disk', 'lone'}
    # before 1.29 a compute and a sharing provider may still combine
    old = world.get([group(resources=SMALL)], nested_aware=False)
    assert len(old.allocation_requests) == 4


def test_sharing_provider_alone_is_one_candidate(world):
    shared_storage(world)
    result = world.get([group(resources={'DISK_GB': 10})])
    assert sorted(world.providers(result)) == ['cn-disk', 'lone', 'ss']


def test_granular_group_on_a_sharing_provider(world):
    shared_storage(world)
    result = world.get([group(resources={'VCPU': 1}),
                        group('disk', resources={'DISK_GB': 10},
                              required_traits=[
                                  {'MISC_SHARES_VIA_AGGREGATE'}])],
                       group_policy='isolate')
    assert world.named(result) == [
        ({'cn': {'VCPU': 1}, 'ss': {'DISK_GB': 10}},
         {'': ['cn'], 'disk': ['ss']}),
        ({'cn-disk': {'VCPU': 1}, 'ss': {'DISK_GB': 10}},
         {'': ['cn-disk'], 'disk': ['ss']})]


def test_trees_are_loaded_in_batches_until_the_limit(world):
    for i in range(70):
        name = 'cn%02d' % i
        world.provider(name, inventory={'MEMORY_MB': 1024})
        world.provider(name + '-numa', parent=name, inventory={'VCPU': 2})
        if i < 60:      # the first 60 trees are full
            world.allocate(name + '-numa', VCPU=2)
    result = world.get([group(resources={'VCPU': 1, 'MEMORY_MB': 1})],
                       limit=5)
    assert [sorted(a)[0] for a, _m in world.named(result)] == [
        'cn60', 'cn61', 'cn62', 'cn63', 'cn64']
    everything = world.get([group(resources={'VCPU': 1, 'MEMORY_MB': 1})])
    assert len(everything.allocation_requests) == 10
    sample = world.get([group(resources={'VCPU': 1, 'MEMORY_MB': 1})],
                       limit=5, randomize=True)
    assert len(sample.allocation_requests) == 5
    assert len(sample.provider_summaries) == 10
