"""Weighers and the ranking that combines them."""
import random

from nova.scheduler import ranking
from nova.scheduler import request as sched_request
from nova.scheduler import weights
from tests.unit.scheduler.conftest import make_host
from tests.unit.scheduler.conftest import make_request


def _order(conf, names, hosts, request=None):
    weighers = weights.load_weighers(conf, names)
    return [h.host for h in ranking.Ranking(weighers, hosts,
                                            request or make_request())
            .hosts()]


def test_every_weigher_loads(conf):
    loaded = weights.load_weighers(conf, list(weights.WEIGHERS))
    assert [w.name for w in loaded] == list(weights.WEIGHERS)


def test_ram_weigher_spreads_and_stacks(conf):
    hosts = [make_host('small', free_ram=1024),
             make_host('big', free_ram=8192)]
    assert _order(conf, ['RAMWeigher'], hosts) == ['big', 'small']
    conf.set_override('ram_weight_multiplier', -1.0,
                      group='filter_scheduler')
    assert _order(conf, ['RAMWeigher'], hosts) == ['small', 'big']


def test_cpu_and_disk_weighers(conf):
    hosts = [make_host('a', free_vcpus=1, free_disk=500),
             make_host('b', free_vcpus=9, free_disk=10)]
    assert _order(conf, ['CPUWeigher'], hosts) == ['b', 'a']
    assert _order(conf, ['DiskWeigher'], hosts) == ['a', 'b']


def test_io_ops_and_num_instances_weighers(conf):
    hosts = [make_host('busy', stats={'io_workload': 5,
                                      'num_instances': 9}),
             make_host('quiet', stats={'io_workload': 0,
                                       'num_instances': 1})]
    assert _order(conf, ['IoOpsWeigher'], hosts) == ['quiet', 'busy']
    # Off by default; a positive multiplier packs.
    conf.set_override('num_instances_weight_multiplier', 1.0,
                      group='filter_scheduler')
    assert _order(conf, ['NumInstancesWeigher'], hosts) == ['busy', 'quiet']


def test_build_failure_weigher_sinks_failing_hosts(conf):
    hosts = [make_host('flaky', free_ram=9999, stats={'failed_builds': 3}),
             make_host('fine', free_ram=10)]
    assert _order(conf, ['RAMWeigher', 'BuildFailureWeigher'], hosts) == \
        ['fine', 'flaky']


def test_soft_group_weighers(conf):
    hosts = [make_host('a'), make_host('b')]
    request = make_request()
    request.group_hosts['a'] += 2
    request.group_policy = sched_request.SOFT_AFFINITY
    names = ['ServerGroupSoftAffinityWeigher',
             'ServerGroupSoftAntiAffinityWeigher']
    assert _order(conf, names, hosts, request) == ['a', 'b']
    request.group_policy = sched_request.SOFT_ANTI_AFFINITY
    assert _order(conf, names, hosts, request) == ['b', 'a']


def test_multipliers_combine_normalised_values(conf):
    # RAM differs by a lot in MiB, vCPUs by a little: normalised, the
    # vCPU weigher with twice the multiplier wins.
    conf.set_override('cpu_weight_multiplier', 2.0, group='filter_scheduler')
    hosts = [make_host('ram', free_ram=100000, free_vcpus=1),
             make_host('cpu', free_ram=1000, free_vcpus=2)]
    assert _order(conf, ['RAMWeigher', 'CPUWeigher'], hosts) == \
        ['cpu', 'ram']


def test_ranking_reweighs_a_host_that_took_an_instance(conf):
    hosts = [make_host('a', free_ram=4096), make_host('b', free_ram=4096),
             make_host('c', free_ram=4096)]
    request = make_request(ram=1024)
    weighers = weights.load_weighers(conf, ['RAMWeigher'])
    ranked = ranking.Ranking(weighers, hosts, request)
    chosen = []
    for _ in range(6):
        host = ranked.pick(1)
        chosen.append(host.host)
        request.placed(host)
        ranked.reweigh(host)
    # Spreading: each host once before any host twice.
    assert sorted(chosen[:3]) == ['a', 'b', 'c']
    assert sorted(chosen[3:]) == ['a', 'b', 'c']


def test_ranking_pick_among_subset(conf):
    hosts = [make_host('h%d' % i, free_ram=1000 * i) for i in range(1, 6)]
    ranked = ranking.Ranking(weights.load_weighers(conf, ['RAMWeigher']),
                             hosts, make_request())
    picks = {ranked.pick(2, random.Random(seed)).host for seed in range(30)}
    assert picks == {'h5', 'h4'}
    ranked.remove(hosts[4])
    assert ranked.pick(1).host == 'h4'
    assert len(ranked) == 4
