"""Aggregate and InstanceGroup on a fresh SQLite API database, and the
zone helpers that read them."""
import pytest

from oslo_utils import uuidutils

from nova.compute import aggregates
from nova.compute import availability_zones
from nova.compute import scheduling_inputs
from nova import conf as nova_conf
from nova import context as nova_context
from nova.db import engines
from nova.db import migration
from nova import exception
from nova import objects


@pytest.fixture
def conf(tmp_path):
    url = 'sqlite:///%s' % (tmp_path / 'nova_api.sqlite')
    conf = nova_conf.build_conf(overrides={'api_database.connection': url})
    migration.create_schema(url, 'api')
    objects.register_all()
    engines.configure(conf)
    yield conf
    engines.get_engine(url).dispose()


@pytest.fixture
def ctx(conf):
    return nova_context.get_admin_context()


def _aggregate(ctx, name, zone=None, hosts=(), **metadata):
    if zone:
        metadata['availability_zone'] = zone
    aggregate = objects.Aggregate(ctx, name=name, metadata=metadata)
    aggregate.create()
    for host in hosts:
        aggregate.add_host(host)
    return aggregate


# Aggregate ---------------------------------------------------------------

def test_aggregate_round_trip(ctx):
    created = _aggregate(ctx, 'a1', zone='z1', hosts=['h2', 'h1'], ssd='1')
    assert uuidutils.is_uuid_like(created.uuid)
    for loaded in (objects.Aggregate.get_by_id(ctx, created.id),
                   objects.Aggregate.get_by_uuid(ctx, created.uuid)):
        assert loaded.name == 'a1' and loaded.hosts == ['h1', 'h2']
        assert loaded.metadata == {'availability_zone': 'z1', 'ssd': '1'}
        assert loaded.availability_zone == 'z1'
    with pytest.raises(exception.AggregateNotFound):
        objects.Aggregate.get_by_id(ctx, created.id + 1)


def test_aggregate_names_are_unique(ctx):
    _aggregate(ctx, 'a1')
    with pytest.raises(exception.AggregateNameExists):
        _aggregate(ctx, 'a1')
    other = _aggregate(ctx, 'a2')
    other.name = 'a1'
    with pytest.raises(exception.AggregateNameExists):
        other.save()
    other.name = 'a3'
    other.save()
    assert objects.Aggregate.get_by_id(ctx, other.id).name == 'a3'


def test_aggregate_hosts_and_metadata(ctx):
    aggregate = _aggregate(ctx, 'a1', hosts=['h1'], k1='v1', k2='v2')
    with pytest.raises(exception.AggregateHostExists):
        aggregate.add_host('h1')
    with pytest.raises(exception.AggregateHostNotFound):
        aggregate.delete_host('h9')
    aggregate.delete_host('h1')
    aggregate.update_metadata({'k1': None, 'k3': 'v3', 'gone': None})
    loaded = objects.Aggregate.get_by_id(ctx, aggregate.id)
    assert loaded.hosts == [] and loaded.metadata == {'k2': 'v2',
                                                      'k3': 'v3'}
    loaded.destroy()
    assert list(objects.AggregateList.get_all(ctx)) == []


def test_aggregate_list_queries(ctx):
    a1 = _aggregate(ctx, 'a1', zone='z1', hosts=['h1', 'h2'])
    a2 = _aggregate(ctx, 'a2', hosts=['h2'], ssd='true')
    a3 = _aggregate(ctx, 'a3', zone='z3', hosts=['h3'])

    def ids(aggregates):
        return [a.id for a in aggregates]
    assert ids(objects.AggregateList.get_all(ctx)) == [a1.id, a2.id, a3.id]
    assert ids(objects.AggregateList.get_by_host(ctx, 'h2')) == \
        [a1.id, a2.id]
    assert ids(objects.AggregateList.get_by_host(
        ctx, 'h2', key='availability_zone')) == [a1.id]
    assert ids(objects.AggregateList.get_by_metadata_key(
        ctx, 'availability_zone')) == [a1.id, a3.id]
    assert ids(objects.AggregateList.get_by_metadata_key(
        ctx, 'availability_zone', hosts=['h3'])) == [a3.id]
    assert ids(objects.AggregateList.get_by_metadata(
        ctx, 'ssd', 'true')) == [a2.id]
    assert ids(objects.AggregateList.get_by_metadata(
        ctx, 'ssd', 'false')) == []


def test_host_zones(conf, ctx):
    _aggregate(ctx, 'a1', zone='z1', hosts=['h1'])
    _aggregate(ctx, 'a2', hosts=['h2'])
    assert availability_zones.host_zones(ctx, conf, ['h1', 'h2']) == \
        {'h1': 'z1', 'h2': 'nova'}
    assert availability_zones.host_zones(ctx, conf) == {'h1': 'z1'}
    assert availability_zones.get_host_availability_zone(
        ctx, conf, 'h9') == 'nova'
    # Old data with two zones for one host: the lowest aggregate id wins.
    _aggregate(ctx, 'a3', zone='z3', hosts=['h1'])
    assert availability_zones.host_zones(ctx, conf, ['h1']) == {'h1': 'z1'}


# InstanceGroup -------------------------------------------------------------

def _group(ctx, policy='anti-affinity', project='p1', **kw):
    group = objects.InstanceGroup(ctx, name='g', policy=policy,
                                  project_id=project, user_id='u1', **kw)
    group.create()
    return group


def test_group_round_trip(ctx):
    created = _group(ctx, rules={'max_server_per_host': '2'},
                     members=['m1'])
    loaded = objects.InstanceGroup.get_by_uuid(ctx, created.uuid)
    assert loaded.policy == 'anti-affinity'
    assert loaded.policies == ['anti-affinity']
    assert loaded.rules == {'max_server_per_host': '2'}
    assert loaded.members == ['m1']
    with pytest.raises(exception.InstanceGroupNotFound):
        objects.InstanceGroup.get_by_uuid(ctx, uuidutils.generate_uuid())
    loaded.destroy()
    with pytest.raises(exception.InstanceGroupNotFound):
        objects.InstanceGroup.get_by_uuid(ctx, created.uuid)


def test_group_policy_is_checked(ctx):
    with pytest.raises(exception.ObjectActionError):
        _group(ctx, policy='spread')


def test_group_members(ctx):
    group = _group(ctx)
    assert objects.InstanceGroup.add_members(ctx, group.uuid,
                                             ['a', 'b', 'a']) == ['a', 'b']
    assert objects.InstanceGroup.add_members(ctx, group.uuid,
                                             ['b', 'c']) == ['c']
    assert objects.InstanceGroup.get_by_instance_uuid(ctx, 'c').uuid == \
        group.uuid
    assert objects.InstanceGroupList.get_by_instance_uuids(
        ctx, ['a', 'x']) == {'a': group.uuid}
    objects.InstanceGroup.remove_members(ctx, ['a'])
    assert objects.InstanceGroup.get_by_uuid(ctx, group.uuid).members == \
        ['b', 'c']


def test_group_lists(ctx):
    mine = [_group(ctx).uuid for _ in range(3)]
    theirs = _group(ctx, project='p2').uuid
    page = objects.InstanceGroupList.get_by_project_id(ctx, 'p1', limit=2,
                                                       offset=1)
    assert [g.uuid for g in page] == mine[1:3]
    assert [g.uuid for g in objects.InstanceGroupList.get_all(ctx)] == \
        mine + [theirs]


def test_request_spec_carries_the_group(ctx):
    group = _group(ctx, rules={'max_server_per_host': '3'})
    spec = objects.RequestSpec(instance_uuid=uuidutils.generate_uuid(),
                               instance_group=group)
    primitive = spec.obj_to_primitive()
    copy = objects.RequestSpec.obj_from_primitive(primitive)
    assert copy.instance_group.uuid == group.uuid
    assert copy.instance_group.rules == {'max_server_per_host': '3'}
    old = spec.obj_to_primitive(target_version='1.0')
    assert 'instance_group' not in old['nova_object.data']


# create inputs -----------------------------------------------------------

def test_default_schedule_zone(conf, ctx):
    assert scheduling_inputs.checked_zone(ctx, conf, None, None) is None
    conf.set_override('default_schedule_zone', 'z1')
    assert scheduling_inputs.checked_zone(ctx, conf, None, None) == 'z1'


@pytest.mark.parametrize('query,ok', [
    ('[">=", "$free_ram_mb", 1024]', True),
    ('["and", [">=", "$free_ram_mb", 1], ["<", "$vcpus_used", 4]]', True),
    ('not json', False), ('{}', False), ('[]', False)])
def test_query_hint(query, ok):
    if ok:
        scheduling_inputs.check_hints({'query': [query]})
    else:
        with pytest.raises(exception.Invalid):
            scheduling_inputs.check_hints({'query': [query]})


def test_placement_aggregates_of_host(ctx):
    a1 = _aggregate(ctx, 'a1', zone='z1', hosts=['h1'])
    a2 = _aggregate(ctx, 'a2', hosts=['h1', 'h2'])
    assert aggregates.placement_aggregates_of_host(ctx, 'h1') == \
        {a1.uuid, a2.uuid}
    assert aggregates.placement_aggregates_of_host(ctx, 'h3') == set()
