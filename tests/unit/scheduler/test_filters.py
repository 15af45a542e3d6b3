"""Each host filter on hosts built in memory."""
import json

import pytest

from nova.scheduler import filters
from nova.scheduler.filters import extra_specs_ops
from nova.scheduler import request as sched_request
from tests.unit.scheduler.conftest import make_aggregate
from tests.unit.scheduler.conftest import make_host
from tests.unit.scheduler.conftest import make_request


def _filter(conf, name):
    return filters.load_filters(conf, [name])[0]


def _passing(conf, name, hosts, request):
    flt = _filter(conf, name)
    return [h.host for h in flt.filter_all(hosts, request)]


def test_every_configured_name_loads(conf):
    loaded = filters.load_filters(conf, list(filters.FILTERS))
    assert [f.name for f in loaded] == list(filters.FILTERS)


def test_unknown_filter_is_refused(conf):
    with pytest.raises(filters.UnknownFilter):
        filters.load_filters(conf, ['NoSuchFilter'])


def test_compute_filter_drops_disabled_and_down(conf):
    hosts = [make_host('ok'), make_host('off', disabled=True),
             make_host('down', up=False)]
    assert _passing(conf, 'ComputeFilter', hosts, make_request()) == ['ok']


def test_all_hosts_filter_keeps_everything(conf):
    hosts = [make_host('a'), make_host('b', up=False)]
    assert _passing(conf, 'AllHostsFilter', hosts, make_request()) == \
        ['a', 'b']


def test_availability_zone_filter(conf):
    zone = make_aggregate('z', ['a'], availability_zone='az1')
    hosts = [make_host('a', aggregates=[zone]), make_host('b')]
    flt = _filter(conf, 'AvailabilityZoneFilter')
    assert not flt.applies(make_request())
    assert _passing(conf, 'AvailabilityZoneFilter', hosts,
                    make_request(zone='az1')) == ['a']
    # A host in no zone aggregate is in the default zone.
    assert _passing(conf, 'AvailabilityZoneFilter', hosts,
                    make_request(zone='nova')) == ['b']
    assert 'az1' in flt.reason(make_request(zone='az1'))


def _group_request(policy, hosts=(), max_per_host=1):
    request = make_request()
    request.group_policy = policy
    request.max_server_per_host = max_per_host
    for host in hosts:
        request.group_hosts[host] += 1
    return request


def test_anti_affinity_filter(conf):
    hosts = [make_host('a'), make_host('b')]
    request = _group_request(sched_request.ANTI_AFFINITY, ['a'])
    assert _passing(conf, 'ServerGroupAntiAffinityFilter', hosts,
                    request) == ['b']
    request = _group_request(sched_request.ANTI_AFFINITY, ['a'], 2)
    assert _passing(conf, 'ServerGroupAntiAffinityFilter', hosts,
                    request) == ['a', 'b']
    flt = _filter(conf, 'ServerGroupAntiAffinityFilter')
    assert not flt.applies(_group_request(sched_request.AFFINITY))
    assert flt.reason(_group_request(sched_request.ANTI_AFFINITY)) == \
        'anti-affinity: every host already has a member of the group'


def test_affinity_filter(conf):
    hosts = [make_host('a'), make_host('b')]
    flt = _filter(conf, 'ServerGroupAffinityFilter')
    # No member placed yet: any host will do.
    assert not flt.applies(_group_request(sched_request.AFFINITY))
    request = _group_request(sched_request.AFFINITY, ['b'])
    assert _passing(conf, 'ServerGroupAffinityFilter', hosts,
                    request) == ['b']


def test_same_and_different_host_filters(conf):
    hosts = [make_host('a'), make_host('b')]
    request = make_request()
    request.same_host = ['x']
    request.same_host_hosts = {'a'}
    assert _passing(conf, 'SameHostFilter', hosts, request) == ['a']
    request.different_host = ['x']
    request.different_host_hosts = {'a'}
    assert _passing(conf, 'DifferentHostFilter', hosts, request) == ['b']
    assert not _filter(conf, 'SameHostFilter').applies(make_request())


def test_num_instances_and_io_ops_filters(conf):
    conf.set_override('max_instances_per_host', 2, group='filter_scheduler')
    conf.set_override('max_io_ops_per_host', 1, group='filter_scheduler')
    hosts = [make_host('a', stats={'num_instances': 2, 'io_workload': 0}),
             make_host('b', stats={'num_instances': 1, 'io_workload': 1})]
    assert _passing(conf, 'NumInstancesFilter', hosts, make_request()) == \
        ['b']
    assert _passing(conf, 'IoOpsFilter', hosts, make_request()) == ['a']


def test_compute_capabilities_filter(conf):
    hosts = [make_host('kvm', hypervisor_type='QEMU', hypervisor_version=8,
                       cpu_info=json.dumps({'arch': 'x86_64'})),
             make_host('fake', hypervisor_type='fake', hypervisor_version=1,
                       cpu_info='{}')]
    request = make_request(extra_specs={
        'capabilities:hypervisor_type': 's== QEMU',
        'capabilities:cpu_info:arch': 'x86_64',
        'capabilities:hypervisor_version': '>= 5',
        'hw:cpu_policy': 'dedicated'})   # another scope: ignored
    assert _passing(conf, 'ComputeCapabilitiesFilter', hosts, request) == \
        ['kvm']
    assert not _filter(conf, 'ComputeCapabilitiesFilter').applies(
        make_request(extra_specs={'hw:cpu_policy': 'dedicated'}))


def test_image_properties_filter(conf):
    hosts = [make_host('x86', supported_instances=[['x86_64', 'qemu',
                                                    'hvm']]),
             make_host('arm', supported_instances=[['aarch64', 'qemu',
                                                    'hvm']]),
             make_host('silent')]
    request = make_request(image={'hw_architecture': 'aarch64'})
    assert _passing(conf, 'ImagePropertiesFilter', hosts, request) == \
        ['arm', 'silent']
    request = make_request(image={'hw_architecture': 'x86_64',
                                  'img_hv_type': 'qemu'})
    assert _passing(conf, 'ImagePropertiesFilter', hosts, request) == \
        ['x86', 'silent']


def test_aggregate_instance_extra_specs_filter(conf):
    ssd = make_aggregate('ssd', ['a'], disk='ssd,nvme')
    hosts = [make_host('a', aggregates=[ssd]), make_host('b')]
    request = make_request(extra_specs={
        'aggregate_instance_extra_specs:disk': 'nvme'})
    assert _passing(conf, 'AggregateInstanceExtraSpecsFilter', hosts,
                    request) == ['a']


def test_aggregate_multitenancy_isolation(conf):
    mine = make_aggregate('mine', ['a'], filter_tenant_id='p1,p2')
    theirs = make_aggregate('theirs', ['b'], filter_tenant_id_1='p9')
    hosts = [make_host('a', aggregates=[mine]),
             make_host('b', aggregates=[theirs]), make_host('c')]
    assert _passing(conf, 'AggregateMultiTenancyIsolation', hosts,
                    make_request(project='p1')) == ['a', 'c']
    assert _passing(conf, 'AggregateMultiTenancyIsolation', hosts,
                    make_request(project='p9')) == ['b', 'c']


def test_json_filter(conf):
    hosts = [make_host('big', free_ram=8192), make_host('small',
                                                         free_ram=1024)]
    query = json.dumps(['and', ['>=', '$free_ram_mb', 4096],
                        ['in', '$host', 'big', 'other']])
    request = make_request(hints={'query': [query]})
    assert _passing(conf, 'JsonFilter', hosts, request) == ['big']
    request = make_request(hints={'query': [json.dumps(
        ['not', ['=', '$host', 'big']])]})
    assert _passing(conf, 'JsonFilter', hosts, request) == ['small']
    request = make_request(hints={'query': [json.dumps(
        ['>', '$no_such_thing', 1])]})
    assert _passing(conf, 'JsonFilter', hosts, request) == []


@pytest.mark.parametrize('value,requirement,expected', [
    (8, '= 4', True), (2, '= 4', False), (4, '== 4', True),
    (5, '!= 4', True), ('kvm', 's== kvm', True), ('kvm', 's!= kvm', False),
    ('abc', '<in> b', True), ('kvm', '<or> qemu <or> kvm', True),
    ('a b c', '<all-in> a c', True), ('a b', '<all-in> a z', False),
    ('x', 'x', True), ('x', 'y', False), ('abc', '>= 2', False),
])
def test_extra_specs_ops(value, requirement, expected):
    assert extra_specs_ops.match(value, requirement) is expected
