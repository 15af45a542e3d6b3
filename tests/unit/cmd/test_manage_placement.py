"""nova-manage placement, in-process against SQLite files: cells, compute
nodes and instances written through objects, placement in-process."""
from oslo_utils import uuidutils
import pytest

from nova import conf as nova_conf
from nova import context as nova_context
from nova.db import engines
from nova.db.main import models
from nova import objects
from nova.placement import direct
from tests.unit.cmd.test_manage import cells  # noqa: F401 (fixture)
from tests.unit.cmd.test_manage import keep_logging  # noqa: F401
from tests.unit.cmd.test_manage import nova  # noqa: F401 (fixture)

INVENTORY = {'VCPU': {'total': 8}, 'MEMORY_MB': {'total': 4096},
             'DISK_GB': {'total': 100}}


class World:
    """Cell1 with compute nodes and instances, and placement."""

    def __init__(self, nova):
        self.nova = nova
        objects.register_all()
        self.conf = nova_conf.build_conf(overrides={
            'api_database.connection': nova.api_url,
            'database.connection': nova.main_url})
        self.ctxt = nova_context.get_admin_context()
        self.placement = direct.Placement(self.conf)
        self.cell = nova.cells()['cell1']
        self.nodes = {}

    def add_node(self, host, report=True):
        node_uuid = uuidutils.generate_uuid()
        table = models.ComputeNode.__table__
        with engines.get_engine(self.nova.main_url).begin() as conn:
            conn.execute(table.insert().values(
                uuid=node_uuid, host=host, hypervisor_hostname=host,
                vcpus=8, memory_mb=4096, local_gb=100,
                hypervisor_type='fake', hypervisor_version=1,
                cpu_info='{}', deleted=0, mapped=0))
        if report:
            self.placement.sync_provider(self.ctxt, node_uuid, host,
                                         INVENTORY, set())
        self.nodes[host] = node_uuid
        return node_uuid

    def add_instance(self, host, task_state=None):
        flavor = objects.Flavor(
            id=1, flavorid='1', name='small', memory_mb=512, vcpus=2,
            root_gb=10, ephemeral_gb=0, swap=0, rxtx_factor=1.0,
            vcpu_weight=None, disabled=False, is_public=True,
            extra_specs={}, projects=[], description=None)
        with nova_context.target_cell(self.ctxt, self.cell) as cctxt:
            instance = objects.Instance(
                cctxt, uuid=uuidutils.generate_uuid(), project_id='p1',
                user_id='u1', host=host, node=host, vm_state='active',
                task_state=task_state, flavor=flavor, memory_mb=512,
                vcpus=2, root_gb=10, ephemeral_gb=0, display_name='vm')
            instance.create()
        mapping = objects.InstanceMapping(
            self.ctxt, instance_uuid=instance.uuid, project_id='p1',
            user_id='u1', cell_mapping=self.cell, queued_for_delete=False)
        mapping.create()
        return instance.uuid

    def allocations(self, consumer):
        return self.placement.get_allocations(self.ctxt,
                                              consumer)['allocations']

    def claim(self, consumer, host, vcpus=1):
        self.placement.claim(self.ctxt, consumer,
                             {self.nodes[host]: {'VCPU': vcpus}}, 'p1', 'u1')


@pytest.fixture
def world(cells):  # noqa: F811
    return World(cells)


# heal_allocations -------------------------------------------------------

def test_heal_creates_missing_allocations_from_the_flavor(world):
    node = world.add_node('host1')
    healthy = world.add_instance('host1')
    world.claim(healthy, 'host1', vcpus=2)
    missing = world.add_instance('host1')
    busy = world.add_instance('host1', task_state='rebooting')
    result = world.nova('placement', 'heal_allocations', '--verbose')
    assert result.code == 0, result
    assert 'Processed 1 instances.' in result.out
    assert 'undergoing a task state transition' in result.out
    assert world.allocations(missing) == {
        node: {'VCPU': 2, 'MEMORY_MB': 512, 'DISK_GB': 10}}
    assert world.allocations(healthy) == {node: {'VCPU': 2}}
    assert world.allocations(busy) == {}
    # Nothing left to heal: 4.
    assert world.nova('placement', 'heal_allocations').code == 4


def test_heal_dry_run_changes_nothing(world):
    world.add_node('host1')
    missing = world.add_instance('host1')
    result = world.nova('placement', 'heal_allocations', '--dry-run')
    assert result.code == 0
    assert '[dry-run]' in result.out and missing in result.out
    assert world.allocations(missing) == {}


def test_heal_one_instance_and_max_count(world):
    world.add_node('host1')
    first, second = world.add_instance('host1'), world.add_instance('host1')
    result = world.nova('placement', 'heal_allocations', '--instance',
                        second)
    assert result.code == 0
    assert world.allocations(second) and not world.allocations(first)
    third = world.add_instance('host1')
    result = world.nova('placement', 'heal_allocations', '--max-count', '1')
    assert result.code == 1 and 'Max count reached' in result.out
    assert bool(world.allocations(first)) != bool(world.allocations(third))


def test_heal_input_errors_and_missing_node(world):
    assert world.nova('placement', 'heal_allocations', '--instance',
                      'nope').code == 127
    result = world.nova('placement', 'heal_allocations', '--instance',
                        uuidutils.generate_uuid())
    assert result.code == 127 and 'Unable to find cell' in result.out
    assert world.nova('placement', 'heal_allocations', '--max-count',
                      '0').code == 127
    world.add_instance('ghost-host')
    result = world.nova('placement', 'heal_allocations')
    assert result.code == 2 and 'ghost-host' in result.out


def test_heal_reports_a_refused_claim(world):
    world.add_node('host1', report=False)
    world.add_instance('host1')
    result = world.nova('placement', 'heal_allocations')
    assert result.code == 3
    assert 'Unable to create allocations' in result.out


# audit --------------------------------------------------------------------

def test_audit_finds_and_deletes_orphans(world):
    world.add_node('host1')
    instance = world.add_instance('host1')
    world.claim(instance, 'host1')
    migration = uuidutils.generate_uuid()
    table = models.Migration.__table__
    with engines.get_engine(world.nova.main_url).begin() as conn:
        conn.execute(table.insert().values(
            uuid=migration, instance_uuid=instance, status='migrating',
            deleted=0))
    world.claim(migration, 'host1')
    orphan = uuidutils.generate_uuid()
    world.claim(orphan, 'host1')
    assert world.nova('placement', 'audit').code == 3
    result = world.nova('placement', 'audit', '--verbose')
    assert orphan in result.out
    assert instance not in result.out and migration not in result.out
    result = world.nova('placement', 'audit', '--delete')
    assert result.code == 4 and 'Deleted allocations' in result.out
    assert world.allocations(orphan) == {}
    assert world.allocations(instance) and world.allocations(migration)
    assert world.nova('placement', 'audit').code == 0


def test_audit_counts_deleted_instances_as_orphans(world):
    world.add_node('host1')
    instance = world.add_instance('host1')
    world.claim(instance, 'host1')
    table = models.Instance.__table__
    with engines.get_engine(world.nova.main_url).begin() as conn:
        conn.execute(table.update().where(table.c.uuid == instance).values(
            deleted=table.c.id))
    result = world.nova('placement', 'audit', '--resource_provider',
                        world.nodes['host1'])
    assert result.code == 3 and instance in result.out
    assert world.nova('placement', 'audit', '--resource_provider',
                      uuidutils.generate_uuid()).code == 127


# sync_aggregates ------------------------------------------------------------

def _aggregate(world, *hosts):
    aggregate = objects.Aggregate(world.ctxt, name='a-' + hosts[0],
                                  metadata={})
    aggregate.create()
    for host in hosts:
        aggregate.add_host(host)
    return aggregate


def test_sync_aggregates_mirrors_hosts(world):
    node = world.add_node('host1')
    world.nova.ok('cell_v2', 'discover_hosts')
    aggregate = _aggregate(world, 'host1')
    assert aggregate.uuid not in world.placement.get_aggregates(world.ctxt,
                                                                node)
    result = world.nova('placement', 'sync_aggregates', '--verbose')
    assert result.code == 0
    assert 'Successfully added host (host1)' in result.out
    assert aggregate.uuid in world.placement.get_aggregates(world.ctxt, node)
    assert world.nova('placement', 'sync_aggregates').out == ''


@pytest.mark.parametrize('setup,code', [
    ('unmapped', 4), ('no_provider', 6), ('no_node', 5)])
def test_sync_aggregates_failures(world, setup, code):
    if setup == 'no_provider':
        world.add_node('host1', report=False)
    if setup != 'unmapped':
        world.add_node('other')
        world.nova.ok('cell_v2', 'discover_hosts')
    if setup == 'no_node':
        # Mapped, but its compute node record went away.
        table = models.ComputeNode.__table__
        with engines.get_engine(world.nova.main_url).begin() as conn:
            conn.execute(table.update().where(
                table.c.host == 'other').values(deleted=table.c.id))
        host = 'other'
    else:
        host = 'host1'
    _aggregate(world, host)
    result = world.nova('placement', 'sync_aggregates')
    assert result.code == code, result
    assert host in result.out


def test_placement_commands_print_help(nova):  # noqa: F811
    assert nova('placement', 'audit', '--help').code == 0
    assert nova('placement', 'nope').code == 2

