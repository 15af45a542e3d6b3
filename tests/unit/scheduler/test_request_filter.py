"""Requests turned into placement queries, and NoValidHost wording."""
import pytest

from nova.compute import resource_tracker
from nova.scheduler import explain
from nova.scheduler import request_filter
from tests.unit.scheduler.conftest import make_aggregate
from tests.unit.scheduler.conftest import make_request


class _NoNodes:
    def nodes_matching(self, hosts, nodenames):
        return []


def _group(conf, request, aggregates=()):
    query = request_filter.build(conf, request, list(aggregates), _NoNodes())
    return query, query.request().groups[0]


def test_resources_and_disabled_hosts(conf):
    query, group = _group(conf, make_request(ram=2048, vcpus=2, disk=20,
                                             extra_specs={
                                                 'resources:VGPU': '1'}))
    assert group.resources == {'MEMORY_MB': 2048, 'VCPU': 2, 'DISK_GB': 20,
                               'VGPU': 1}
    assert group.forbidden_traits == {'COMPUTE_STATUS_DISABLED'}
    assert query.request().limit == conf.scheduler.max_placement_results


def test_zone_becomes_member_of(conf):
    aggs = [make_aggregate('z1', ['a'], availability_zone='az1'),
            make_aggregate('z1b', ['b'], availability_zone='az1'),
            make_aggregate('z2', ['c'], availability_zone='az2'),
            make_aggregate('plain', ['d'])]
    _, group = _group(conf, make_request(zone='az1'), aggs)
    assert group.member_of == [{'agg-z1', 'agg-z1b'}]
    # The default zone: not in another zone's aggregate.
    _, group = _group(conf, make_request(zone='nova'), aggs)
    assert group.member_of == []
    assert group.forbidden_aggs == {'agg-z1', 'agg-z1b', 'agg-z2'}
    with pytest.raises(request_filter.NoHostPossible) as caught:
        _group(conf, make_request(zone='az9'), aggs)
    assert caught.value.reason == 'availability zone az9 has no hosts'


def test_tenant_isolation_when_enabled(conf):
    aggs = [make_aggregate('mine', ['a'], filter_tenant_id='p1'),
            make_aggregate('other', ['b'], filter_tenant_id='p2')]
    _, group = _group(conf, make_request(project='p1'), aggs)
    assert group.member_of == []          # off by default
    conf.set_override('limit_tenants_to_placement_aggregate', True,
                      group='scheduler')
    _, group = _group(conf, make_request(project='p1'), aggs)
    assert group.member_of == [{'agg-mine'}]
    _, group = _group(conf, make_request(project='p3'), aggs)
    assert group.member_of == []
    conf.set_override('placement_aggregate_required_for_tenants', True,
                      group='scheduler')
    with pytest.raises(request_filter.NoHostPossible):
        _group(conf, make_request(project='p3'), aggs)


def test_image_type_and_flavor_traits(conf):
    _, group = _group(conf, make_request(
        image={'disk_format': 'qcow2'},
        extra_specs={'trait:HW_CPU_X86_AVX2': 'required',
                     'trait:CUSTOM_SLOW': 'forbidden'}))
    assert {'COMPUTE_IMAGE_TYPE_QCOW2'} in group.required_traits
    assert {'HW_CPU_X86_AVX2'} in group.required_traits
    assert 'CUSTOM_SLOW' in group.forbidden_traits
    conf.set_override('query_placement_for_image_type_support', False,
                      group='scheduler')
    _, group = _group(conf, make_request(image={'disk_format': 'qcow2'}))
    assert group.required_traits == []


def test_constraints_stay_apart_for_explanations(conf):
    query, _ = _group(conf, make_request(image={'disk_format': 'raw'}))
    names = [c.name for c in query.constraints]
    assert names == ['enabled compute', 'image type raw']
    only_image = query.request(constraints=query.constraints[1:]).groups[0]
    assert only_image.forbidden_traits == set()


def test_shortage_wording():
    resources = {'MEMORY_MB': 65536, 'VCPU': 4, 'DISK_GB': 10}
    assert explain.shortage_reason({'MEMORY_MB'}, resources) == \
        'no host has 64 GiB of RAM free'
    assert explain.shortage_reason({'VCPU', 'DISK_GB'}, resources) == \
        'no host has 10 GiB of disk free and 4 vCPUs free'
    assert explain.shortage_reason(set(), resources).endswith(
        'at the same time')


def test_trace_gives_tenant_text_and_admin_details():
    trace = explain.Trace('1 GiB of RAM')
    trace.add('placement', 3, lambda: ['c1'])
    trace.add('ServerGroupAntiAffinityFilter', 2, ['c2', 'c3'])
    exc = trace.no_valid_host('anti-affinity: every host already has a '
                              'member of the group', placed=2, total=3)
    assert exc.format_message() == (
        'No valid host was found. Only 2 of the 3 instances could be '
        'placed: anti-affinity: every host already has a member of the '
        'group.')
    assert exc.details.splitlines() == [
        'Request: 1 GiB of RAM',
        'placement: 3 host(s) in, 1 removed: c1',
        'ServerGroupAntiAffinityFilter: 2 host(s) in, 2 removed: c2, c3']


def test_long_host_lists_are_cut():
    step = explain.Step('placement', 100, ['h%03d' % i for i in range(50)])
    assert step.render().endswith('h019, and 30 more')


class _Resources:
    vcpus, memory_mb, local_gb = 8, 16384, 100


def test_tracker_inventories_from_config(conf):
    conf.set_override('reserved_host_cpus', 1)
    conf.set_override('reserved_host_disk_mb', 1500)
    conf.set_override('cpu_allocation_ratio', 4.0)
    inv = resource_tracker.inventories(conf, _Resources())
    assert inv['VCPU'] == {'total': 8, 'reserved': 1, 'min_unit': 1,
                           'max_unit': 8, 'step_size': 1,
                           'allocation_ratio': 4.0}
    assert inv['MEMORY_MB']['reserved'] == conf.reserved_host_memory_mb
    assert inv['MEMORY_MB']['allocation_ratio'] == \
        conf.initial_ram_allocation_ratio
    assert inv['DISK_GB']['reserved'] == 2      # rounded up to GiB


def test_capabilities_become_traits():
    assert resource_tracker.capability_traits({
        'supports_image_type_raw': True,
        'supports_image_type_qcow2': False}) == {'COMPUTE_IMAGE_TYPE_RAW'}
    # A driver that says nothing of image types takes them all.
    silent = resource_tracker.capability_traits({})
    assert {'COMPUTE_IMAGE_TYPE_QCOW2', 'COMPUTE_IMAGE_TYPE_RAW'} <= silent
