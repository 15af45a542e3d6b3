"""The conductor's build batch runs statements built once (per shape).

Building a SQLAlchemy statement and its cache key costs more than running
it, and every batch of builds runs about fifteen of them (build records,
request specs, zones, the instance INSERTs, the hand-over to the cell, the
ACTIVE writes). A second batch of the same size must execute the very
statement objects the first did, and write what it did, on SQLite,
MariaDB and PostgreSQL. The scheduler and the computes, other services,
are stood in for; the databases are real.
"""
import uuid

import pytest
import sqlalchemy as sa

from nova.compute import image_props
from nova.conductor import build
from nova import conf as nova_conf
from nova import context as nova_context
from nova.db.api import models as api_models
from nova.db import engines
from nova.db import in_lists
from nova.db.main import instances as db
from nova.db import migration
from nova import objects
from nova.objects import aggregate as aggregate_obj
from nova.objects import base as objects_base
from nova.objects import build_request
from nova.objects import fields
from tests.unit.db.conftest import BACKENDS
from tests.unit.db.conftest import DatabaseFactory

HOSTS = ('h1', 'h2')
IMAGE = {'id': '70a599e0-31e7-49b7-b260-868f441e862b',
         'disk_format': 'qcow2', 'container_format': 'bare', 'min_disk': 0,
         'min_ram': 0, 'size': 1024, 'properties': {'os_type': 'linux'}}


class Scheduler:
    """Stands in for nova-scheduler: the hosts in turn."""

    def __init__(self, cell_uuid):
        self.cell_uuid = cell_uuid
        self.turn = 0

    def select_many(self, context, requests):
        result = []
        for _spec, uuids in requests:
            choices = []
            for _ in uuids:
                host = HOSTS[self.turn % len(HOSTS)]
                self.turn += 1
                choices.append([objects.Selection(
                    compute_node_uuid=str(uuid.uuid5(uuid.NAMESPACE_DNS,
                                                     host)),
                    service_host=host, nodename=host,
                    cell_uuid=self.cell_uuid, limits=None,
                    allocation_request=None,
                    allocation_request_version=None)])
            result.append(choices)
        return result


class Computes:
    """Stands in for the computes: records the builds cast to each."""

    def __init__(self):
        self.casts = []

    def build_and_run_instances(self, context, host, builds):
        self.casts.append((host, [b[1].uuid for b in builds]))


class Executed:
    """The statement objects some engines execute while recording."""

    def __init__(self, *engines_):
        self.engines = engines_
        self.statements = []

    def _record(self, conn, clauseelement, *args):
        self.statements.append(clauseelement)

    def __call__(self, func, *args, **kwargs):
        self.statements = []
        for engine in self.engines:
            sa.event.listen(engine, 'before_execute', self._record)
        try:
            func(*args, **kwargs)
        finally:
            for engine in self.engines:
                sa.event.remove(engine, 'before_execute', self._record)
        return list(self.statements)


@pytest.fixture(params=BACKENDS)
def world(request, tmp_path):
    factory = DatabaseFactory(tmp_path)
    api_url, cell_url = factory(request.param), factory(request.param)
    migration.create_schema(api_url, 'api')
    migration.create_schema(cell_url, 'main')
    conf = nova_conf.build_conf(overrides={
        'api_database.connection': api_url, 'database.connection': cell_url,
        'transport_url': 'fake://%s/' % uuid.uuid4().hex})
    objects.register_all()
    engines.configure(conf)
    admin = nova_context.get_admin_context()
    # cell0 takes the builds nobody can host: none here, never opened.
    objects.CellMapping(admin, uuid=objects.CellMapping.CELL0_UUID,
                        name='cell0', transport_url='none:///',
                        database_connection='sqlite:///%s' % (
                            tmp_path / 'cell0.sqlite')).create()
    cell = objects.CellMapping(admin, name='cell1', transport_url='fake://',
                               database_connection=cell_url)
    cell.create()
    flavor = objects.Flavor(admin, name='tiny', flavorid='tiny',
                            memory_mb=64, vcpus=1, root_gb=1,
                            ephemeral_gb=0, swap=0, disabled=False,
                            is_public=True)
    flavor.create()
    zone = objects.Aggregate(admin, name='a1',
                             metadata={'availability_zone': 'z1'})
    zone.create()
    zone.add_host('h1')
    builder = build.Builder(conf, placement=object())
    builder.scheduler = Scheduler(cell.uuid)
    builder.compute = Computes()
    yield conf, cell, flavor, builder, Executed(
        engines.get_engine(api_url), engines.get_engine(cell_url))
    factory.drop_all()


def _order(flavor, count):
    """A create of count servers as nova-api records it."""
    ctx = nova_context.RequestContext(user_id='u1', project_id='p1',
                                      roles=['member'])
    instances, specs = [], []
    for index in range(count):
        instance = objects.Instance(
            ctx, uuid=str(uuid.uuid4()), user_id='u1', project_id='p1',
            image_ref=IMAGE['id'], display_name='vm-%d' % index,
            hostname='vm-%d' % index, vm_state=fields.VMState.BUILDING,
            task_state=fields.TaskState.SCHEDULING,
            power_state=fields.PowerState.NOSTATE,
            memory_mb=flavor.memory_mb, vcpus=flavor.vcpus,
            root_gb=flavor.root_gb, ephemeral_gb=flavor.ephemeral_gb,
            instance_type_id=flavor.id, flavor=flavor, old_flavor=None,
            new_flavor=None, metadata={'role': 'web'},
            system_metadata=image_props.system_metadata(IMAGE, flavor),
            reservation_id='r-1', launch_index=index,
            availability_zone=None, locked=False, progress=0,
            created_at=objects_base.now(), launched_at=None,
            terminated_at=None, deleted=False, host=None, node=None)
        instances.append(instance)
        specs.append(objects.RequestSpec(
            instance_uuid=instance.uuid, project_id='p1', user_id='u1',
            flavor=flavor, image_id=IMAGE['id'], image_properties={},
            num_instances=count, availability_zone=None,
            scheduler_hints={}, ignore_hosts=None, force_hosts=None,
            force_nodes=None, is_bfv=False, instance_group=None))
    build_request.create_build_records(ctx, instances, specs)
    return build.BuildOrder(context=ctx, image=IMAGE,
                            instance_uuids=[i.uuid for i in instances])


def _batch(builder, cell, orders):
    """A build batch of orders, then their computes' ACTIVE writes."""
    builder.build(orders)
    finished = {u: {'power_state': fields.PowerState.RUNNING,
                    'vm_state': fields.VMState.ACTIVE, 'task_state': None,
                    'launched_at': objects_base.naive(
                        objects_base.now()).isoformat()}
                for o in orders for u in o.instance_uuids}
    admin = nova_context.get_admin_context()
    with nova_context.target_cell(admin, cell) as cctxt:
        builder.finish(cctxt, finished)


def _not_in(first, second):
    """The statements of second that are not objects first ran."""
    ids = {id(s) for s in first}
    return [str(s) for s in second if id(s) not in ids]


@pytest.mark.parametrize('sizes', [(1,), (2, 1)], ids=['one', 'two-orders'])
def test_a_second_batch_runs_the_statements_of_the_first(world, sizes):
    conf, cell, flavor, builder, executed = world
    _batch(builder, cell, [_order(flavor, n) for n in sizes])   # warm up
    first = executed(_batch, builder, cell,
                     [_order(flavor, n) for n in sizes])
    orders = [_order(flavor, n) for n in sizes]
    casts_before = len(builder.compute.casts)
    second = executed(_batch, builder, cell, orders)
    assert len(first) >= 10
    assert _not_in(first, second) == []

    # And the batch did its work: each instance ACTIVE on its host, in the
    # zone of its host, mapped to the cell, its build request gone.
    uuids = [u for o in orders for u in o.instance_uuids]
    admin = nova_context.get_admin_context()
    with nova_context.target_cell(admin, cell) as cctxt:
        instances = objects.InstanceList.get_by_filters(
            cctxt, {'uuid': uuids}, expected_attrs=[])
    assert sorted(i.uuid for i in instances) == sorted(uuids)
    for instance in instances:
        assert instance.vm_state == fields.VMState.ACTIVE
        assert instance.task_state is None
        assert instance.launched_at is not None
        assert instance.availability_zone == (
            'z1' if instance.host == 'h1' else conf.default_availability_zone)
    cast = sorted(u for _, batch in builder.compute.casts[casts_before:]
                  for u in batch)
    assert cast == sorted(uuids)
    mappings = objects.InstanceMappingList.get_by_instance_uuids(admin, uuids)
    assert {m.cell_mapping.uuid for m in mappings} == {cell.uuid}
    assert objects.BuildRequestList.get_by_filters(admin, uuids=uuids) \
        .objects == []


def _count_requests(url, uuids):
    table = api_models.BuildRequest.__table__
    with engines.get_engine(url).connect() as conn:
        return conn.execute(sa.select(sa.func.count()).where(
            table.c.instance_uuid.in_(uuids))).scalar()


@pytest.mark.parametrize('count', [0, 1, 3, in_lists.IN_PLAIN_MAX,
                                   in_lists.IN_PLAIN_MAX + 1, 40])
def test_in_lists_of_every_length(world, count):
    """Short IN lists bind a parameter per value, long ones expand; the
    answers are the same either way."""
    conf, cell, flavor, builder, _ = world
    admin = nova_context.get_admin_context()
    uuids = _order(flavor, count).instance_uuids if count else []
    unknown = [str(uuid.uuid4())]
    found = objects.BuildRequestList.get_by_filters(admin,
                                                    uuids=uuids + unknown)
    assert sorted(r.instance_uuid for r in found) == sorted(uuids)
    found = objects.BuildRequestList.get_by_filters(
        admin, project_id='p1', uuids=uuids)
    assert len(found) == count
    assert objects.BuildRequestList.get_by_filters(
        admin, project_id='p2', uuids=uuids).objects == []
    assert sorted(objects.RequestSpec.get_many(admin, uuids)) == \
        sorted(uuids)
    objects.InstanceMapping.set_cell_many(admin, uuids, cell)
    mappings = objects.InstanceMappingList.get_by_instance_uuids(admin, uuids)
    assert [m.cell_mapping.uuid for m in mappings] == [cell.uuid] * count
    gone = objects.BuildRequest.destroy_many(admin, uuids[:1] + unknown)
    assert gone == unknown
    assert _count_requests(conf.api_database.connection, uuids) == \
        max(count - 1, 0)
    hosts = ['h1', 'h2'] + ['x%d' % i for i in range(count)]
    zones = aggregate_obj.zones_by_host(admin, hosts)
    assert zones == {'h1': 'z1'}
