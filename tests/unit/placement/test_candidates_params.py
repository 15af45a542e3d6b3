"""Query strings of GET /allocation_candidates -> CandidateRequest, and
the response body at each microversion."""
import pytest
import webob

from nova import exception
from nova.placement.candidates import Candidates
from nova.placement.candidates import params
from nova.placement.candidates import RequestGroup
from nova.placement.candidates import view

AGG = 'aaaaaaaa-0000-0000-0000-000000000000'
RP = '11111111-1111-1111-1111-111111111111'


def parse(query, version=(1, 39)):
    return params.from_query(webob.Request.blank('/?' + query).GET, version)


def bad(query, version=(1, 39)):
    with pytest.raises(exception.PlacementQueryError) as info:
        parse(query, version)
    return info.value


def test_unsuffixed_group_with_everything():
    request = parse('resources=VCPU:2,MEMORY_MB:512'
                    '&required=HW_CPU_X86_AVX,!COMPUTE_STATUS_DISABLED'
                    '&required=in:CUSTOM_A,CUSTOM_B'
                    '&member_of=in:%s&member_of=!%s&in_tree=%s&limit=5'
                    % (AGG, RP, RP))
    assert request.groups == [RequestGroup(
        resources={'VCPU': 2, 'MEMORY_MB': 512},
        required_traits=[{'HW_CPU_X86_AVX'}, {'CUSTOM_A', 'CUSTOM_B'}],
        forbidden_traits={'COMPUTE_STATUS_DISABLED'},
        member_of=[{AGG}], forbidden_aggs={RP}, in_tree=RP)]
    assert request.limit == 5 and request.nested_aware


def test_granular_groups_by_version():
    request = parse('resources1=VCPU:1&required1=HW_NUMA_ROOT'
                    '&resources2=VCPU:1&group_policy=isolate', (1, 25))
    assert [(g.suffix, g.resources, g.required_traits)
            for g in request.groups] == [
        ('1', {'VCPU': 1}, [{'HW_NUMA_ROOT'}]), ('2', {'VCPU': 1}, [])]
    assert request.group_policy == 'isolate'
    assert not request.nested_aware
    assert 'resources1' in bad('resources1=VCPU:1', (1, 24)).message
    assert 'resources_A' in bad('resources_A=VCPU:1', (1, 32)).message
    assert parse('resources_A=VCPU:1', (1, 33)).groups[0].suffix == '_A'


def test_group_policy_is_required_and_checked():
    error = bad('resources1=VCPU:1&resources2=VCPU:1')
    assert error.error_code == 'placement.query.missing_value'
    assert 'none' in bad('resources1=VCPU:1&resources2=VCPU:1'
                         '&group_policy=maybe').message
    assert parse('resources=VCPU:1&resources1=VCPU:1').group_policy is None


def test_resources_must_be_there_and_well_formed():
    assert bad('').error_code == 'placement.query.missing_value'
    assert bad('required=HW_CPU_X86_AVX').error_code == \
        'placement.query.missing_value'
    assert 'Badly formed' in bad('resources=VCPU').message
    assert 'positive integer' in bad('resources=VCPU:0').message
    assert bad('resources=VCPU:1&resources=VCPU:2').error_code == \
        'placement.query.duplicate_key'
    assert bad('limit=0&resources=VCPU:1').error_code == \
        'placement.query.bad_value'


def test_keys_a_version_does_not_know():
    for query, version in (('resources=VCPU:1&limit=1', (1, 15)),
                           ('resources=VCPU:1&required=A', (1, 16)),
                           ('resources=VCPU:1&member_of=%s' % AGG, (1, 20)),
                           ('resources=VCPU:1&in_tree=%s' % RP, (1, 30)),
                           ('resources1=VCPU:1&in_tree1=%s' % RP, (1, 30)),
                           ('resources=VCPU:1&root_required=A', (1, 34)),
                           ('resources=VCPU:1&same_subtree=_A', (1, 35)),
                           ('resources=VCPU:1&colour=blue', (1, 39))):
        assert 'Additional properties' in bad(query, version).message


def test_required_repeats_only_from_1_39():
    assert bad('resources=VCPU:1&required=A&required=B',
               (1, 38)).error_code == 'placement.query.duplicate_key'
    assert parse('resources=VCPU:1&required=A&required=B').groups[
        0].required_traits == [{'A'}, {'B'}]


def test_orphans_and_resourceless_groups():
    assert 'orphaned' in bad('resources=VCPU:1&required1=A', (1, 35)).message
    assert 'orphaned' in bad('resources=VCPU:1&member_of1=%s' % AGG,
                             (1, 35)).message
    assert 'same_subtree' in bad('resources=VCPU:1&required_N=A').message
    request = parse('resources_C=VCPU:1&required_N=A&group_policy=none'
                    '&same_subtree=_C,_N')
    assert request.same_subtree == [['_C', '_N']]
    assert '_X' in bad('resources_C=VCPU:1&same_subtree=_C,_X').message


def test_root_required():
    request = parse('resources=VCPU:1&root_required=CUSTOM_A,!CUSTOM_B')
    assert request.root_required == {'CUSTOM_A'}
    assert request.root_forbidden == {'CUSTOM_B'}


def candidates():
    return Candidates(
        allocation_requests=[{
            'allocations': {RP: {'resources': {'VCPU': 1}}},
            'mappings': {'': [RP]}}],
        provider_summaries={RP: {
            'resources': {'VCPU': {'capacity': 8, 'used': 1},
                          'DISK_GB': {'capacity': 10, 'used': 0}},
            'traits': ['HW_CPU_X86_AVX'], 'parent_provider_uuid': None,
            'root_provider_uuid': RP}})


@pytest.mark.parametrize('version,areq,summary', [
    ((1, 10),
     {'allocations': [{'resource_provider': {'uuid': RP},
                       'resources': {'VCPU': 1}}]},
     {'resources': {'VCPU': {'capacity': 8, 'used': 1}}}),
    ((1, 17),
     {'allocations': {RP: {'resources': {'VCPU': 1}}}},
     {'resources': {'VCPU': {'capacity': 8, 'used': 1}},
      'traits': ['HW_CPU_X86_AVX']}),
    ((1, 27),
     {'allocations': {RP: {'resources': {'VCPU': 1}}}},
     {'resources': {'VCPU': {'capacity': 8, 'used': 1},
                    'DISK_GB': {'capacity': 10, 'used': 0}},
      'traits': ['HW_CPU_X86_AVX']}),
    ((1, 34),
     {'allocations': {RP: {'resources': {'VCPU': 1}}}, 'mappings': {'': [RP]}},
     {'resources': {'VCPU': {'capacity': 8, 'used': 1},
                    'DISK_GB': {'capacity': 10, 'used': 0}},
      'traits': ['HW_CPU_X86_AVX'], 'parent_provider_uuid': None,
      'root_provider_uuid': RP}),
])
def test_body_per_microversion(version, areq, summary):
    request = parse('resources=VCPU:1')
    body = view.render(candidates(), request, version)
    assert body == {'allocation_requests': [areq],
                    'provider_summaries': {RP: summary}}
