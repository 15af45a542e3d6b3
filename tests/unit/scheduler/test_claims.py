"""Claims in placement: two schedulers racing for the last room, and a
multi-create claimed whole or not at all. Real SQLite databases."""
import pytest

from nova import conf as nova_conf
from nova import context as nova_context
from nova.db import engines
from nova.db import migration
from nova import exception
from nova import objects
from nova.scheduler import decision
from nova.scheduler import scheduler as scheduler_mod
from tests.unit.scheduler.conftest import make_request

HOSTS = ('h1', 'h2')


@pytest.fixture
def world(tmp_path):
    api_url = 'sqlite:///%s' % (tmp_path / 'api.sqlite')
    cell_url = 'sqlite:///%s' % (tmp_path / 'cell.sqlite')
    migration.create_schema(api_url, 'api')
    migration.create_schema(cell_url, 'main')
    conf = nova_conf.build_conf(overrides={
        'api_database.connection': api_url, 'database.connection': cell_url})
    engines.configure(conf)
    objects.register_all()
    ctx = nova_context.get_admin_context()
    cell = objects.CellMapping(ctx, name='cell1', transport_url='fake://',
                               database_connection=cell_url)
    cell.create()
    first = scheduler_mod.Scheduler(conf)
    with nova_context.target_cell(ctx, cell) as cctxt:
        for host in HOSTS:
            service = objects.Service(cctxt, host=host,
                                      binary='nova-compute',
                                      topic='compute')
            service.create()
            service.heartbeat()
            node = objects.ComputeNode(
                cctxt, host=host, hypervisor_hostname=host,
                service_id=service.id, vcpus=4, memory_mb=2048,
                local_gb=10, vcpus_used=0, memory_mb_used=0,
                local_gb_used=0, hypervisor_type='fake',
                hypervisor_version=1, cpu_info='{}', stats='{}')
            node.create()
            # Room for exactly one 1024 MiB instance per host.
            first.placement.sync_provider(ctx, node.uuid, host, {
                'VCPU': {'total': 4}, 'MEMORY_MB': {'total': 1024},
                'DISK_GB': {'total': 10}}, {'COMPUTE_IMAGE_TYPE_RAW'})
    yield conf, ctx, first, scheduler_mod.Scheduler(conf)
    engines.dispose_all()


def _uuids(n):
    from oslo_utils import uuidutils
    return [uuidutils.generate_uuid() for _ in range(n)]


def test_claims_and_alternates(world):
    _conf, ctx, sched, _other = world
    uuids = _uuids(2)
    result = sched.select(ctx, [(make_request(ram=1024).spec, uuids)])[0]
    assert {r[0].service_host for r in result} == set(HOSTS)
    for uuid, selections in zip(uuids, result):
        held = sched.placement.get_allocations(ctx, uuid)['allocations']
        assert list(held) == [selections[0].compute_node_uuid]
    # The first instance's alternate is the other host (unclaimed).
    assert result[0][1].service_host == result[1][0].service_host


def test_whole_or_nothing(world):
    _conf, ctx, sched, _other = world
    uuids = _uuids(3)
    result = sched.select(ctx, [(make_request(ram=1024).spec, uuids)])[0]
    assert isinstance(result, exception.NoValidHost)
    assert 'Only 2 of the 3 instances' in result.format_message()
    assert sched.placement.consumers(ctx) == set()


def test_scheduler_losing_a_race_plans_again(world):
    _conf, ctx, first, second = world
    spec = make_request(ram=1024).spec
    mine = _uuids(1)
    # The second scheduler plans on what it read, then the first claims
    # both hosts, then the second tries to claim.
    second.host_manager.refresh(ctx)
    plan = second.decider.plan(ctx, spec, mine,
                               decision.Batch(second.placement))
    taken = first.select(ctx, [(spec, _uuids(2))])[0]
    assert isinstance(taken, list)
    assert second._claim(ctx, [plan]) == {id(plan)}
    retried = second._retry(ctx, (spec, mine))
    assert isinstance(retried, exception.NoValidHost)
    assert retried.format_message() == \
        'No valid host was found. No host has 1 GiB of RAM free.'
    assert set(mine).isdisjoint(first.placement.consumers(ctx))


def test_requests_of_one_call_see_each_other(world):
    _conf, ctx, sched, _other = world
    spec = make_request(ram=1024).spec
    results = sched.select(ctx, [(spec, _uuids(1)) for _ in range(3)])
    placed = [r for r in results if isinstance(r, list)]
    assert {r[0][0].service_host for r in placed} == set(HOSTS)
    refused = results[2]
    assert isinstance(refused, exception.NoValidHost)
    assert refused.format_message() == \
        'No valid host was found. No host has 1 GiB of RAM free.'
    assert len(sched.placement.consumers(ctx)) == 2
