"""The osc-placement plugin of openstackclient, unchanged, against the
placement API a live nova-all serves under /placement (etc/clouds.yaml's
placement_endpoint_override for openstacksdk)."""
import json
import os
import uuid

import pytest

from tests.integration.conftest import BIN
from tests.integration.test_multiprocess import clouds_yaml
from tests.integration.test_multiprocess import nova_all  # noqa: F401
from tests.integration.test_multiprocess import openstack_cli


@pytest.fixture
def osc(nova_all, services, tmp_path):  # noqa: F811
    """openstack CLI runner against nova-all's placement (the cloud
    nova-embedded-placement of etc/clouds.yaml)."""
    if not (BIN / 'openstack').exists():
        pytest.fail('openstackclient is not installed next to the tests')
    try:
        import osc_placement  # noqa: F401
    except ImportError:
        pytest.fail('osc-placement is not installed '
                    '(pip install -r test-requirements.txt)')
    env = dict(os.environ,
               OS_CLIENT_CONFIG_FILE=str(clouds_yaml(tmp_path / 'clouds.yaml',
                                                     nova_all)),
               OS_CLOUD='nova-embedded-placement')
    for key in [k for k in env if k.startswith('OS_') and k not in (
            'OS_CLIENT_CONFIG_FILE', 'OS_CLOUD')]:
        del env[key]

    def run(*args, output=True):
        if not output:  # commands that print nothing and take no -f
            return openstack_cli(services, env, *args)
        return json.loads(openstack_cli(services, env, *args, '-f', 'json'))
    return run


def _has_candidates_handler():
    try:
        from nova.placement.handlers import allocation_candidates  # noqa
    except ImportError:
        return False
    return hasattr(allocation_candidates, 'list_candidates')


def test_resource_provider_commands(osc, nova_all):  # noqa: F811
    # nova-all's compute reported its host as a provider with inventory.
    [compute] = osc('resource', 'provider', 'list')
    classes = [row['resource_class'] for row in osc(
        'resource', 'provider', 'inventory', 'list', compute['uuid'])]
    assert {'VCPU', 'MEMORY_MB', 'DISK_GB'} <= set(classes), classes

    created = osc('resource', 'provider', 'create', 'osc-rp')
    rp = created['uuid']
    assert created['name'] == 'osc-rp'

    listed = osc('resource', 'provider', 'list')
    assert rp in [p['uuid'] for p in listed], listed

    osc('resource', 'provider', 'inventory', 'set', rp,
        '--resource', 'VCPU=8', '--resource', 'VCPU:allocation_ratio=2.0',
        '--resource', 'MEMORY_MB=4096')
    inventory = {row['resource_class']: row for row in osc(
        'resource', 'provider', 'inventory', 'list', rp)}
    assert inventory['VCPU']['total'] == 8
    assert inventory['VCPU']['allocation_ratio'] == 2.0
    assert inventory['MEMORY_MB']['total'] == 4096

    shown = osc('resource', 'provider', 'show', rp)
    assert shown['generation'] == 1
    osc('resource', 'provider', 'trait', 'set', rp, '--trait',
        'HW_CPU_X86_AVX')
    assert [t['name'] for t in osc('resource', 'provider', 'trait', 'list',
                                   rp)] == ['HW_CPU_X86_AVX']
    _openstacksdk_sees(nova_all, rp)
    _classes_traits_allocations_aggregates(osc, rp)


def _classes_traits_allocations_aggregates(osc, rp):
    osc('resource', 'class', 'create', 'CUSTOM_OSC', output=False)
    assert 'CUSTOM_OSC' in [c['name'] for c in osc('resource', 'class',
                                                      'list')]
    osc('trait', 'create', 'CUSTOM_OSC_TRAIT', output=False)
    assert 'CUSTOM_OSC_TRAIT' in [t['name'] for t in osc('trait', 'list')]

    consumer = str(uuid.uuid4())
    osc('resource', 'provider', 'allocation', 'set', consumer,
        '--allocation', 'rp=%s,VCPU=2,MEMORY_MB=512' % rp,
        '--project-id', 'proj', '--user-id', 'user')
    [shown] = osc('resource', 'provider', 'allocation', 'show', consumer)
    assert shown['resource_provider'] == rp
    assert shown['resources'] == {'VCPU': 2, 'MEMORY_MB': 512}
    usage = {row['resource_class']: row['usage'] for row in osc(
        'resource', 'provider', 'usage', 'show', rp)}
    assert usage == {'VCPU': 2, 'MEMORY_MB': 512}
    by_project = {row['resource_class']: row['usage'] for row in osc(
        'resource', 'usage', 'show', 'proj')}
    assert by_project == {'VCPU': 2, 'MEMORY_MB': 512}

    aggregate = str(uuid.uuid4())
    generation = osc('resource', 'provider', 'show', rp)['generation']
    osc('resource', 'provider', 'aggregate', 'set', rp, '--aggregate',
        aggregate, '--generation', str(generation))
    assert [a['uuid'] for a in osc('resource', 'provider', 'aggregate',
                                   'list', rp)] == [aggregate]

    osc('resource', 'provider', 'allocation', 'delete', consumer,
        output=False)
    assert osc('resource', 'provider', 'allocation', 'show', consumer) == []
    osc('resource', 'provider', 'delete', rp, output=False)


def _openstacksdk_sees(port, rp):
    """openstacksdk's placement proxy, through the nova-embedded cloud's
    placement_endpoint_override, sees the same providers."""
    import openstack
    from tests.integration.test_multiprocess import REPO
    import yaml
    cloud = yaml.safe_load((REPO / 'etc' / 'clouds.yaml').read_text())[
        'clouds']['nova-embedded']
    base = 'http://127.0.0.1:%d' % port
    conn = openstack.connect(
        auth_type='admin_token',
        auth={'endpoint': base + '/v2.1', 'token': 'admin:admin'},
        placement_endpoint_override=cloud[
            'placement_endpoint_override'].replace(':8774', ':%d' % port),
        load_yaml_config=False, load_envvars=False)
    try:
        assert rp in [p.id for p in conn.placement.resource_providers()]
    finally:
        conn.close()


@pytest.mark.skipif(not _has_candidates_handler(), reason=(
    "GET /allocation_candidates is engineer 2's handler "
    "(nova.placement.handlers.allocation_candidates), not present"))
def test_allocation_candidate_list(osc):
    rp = osc('resource', 'provider', 'create', 'osc-cn')['uuid']
    osc('resource', 'provider', 'inventory', 'set', rp,
        '--resource', 'VCPU=4', '--resource', 'MEMORY_MB=2048')
    candidates = osc('allocation', 'candidate', 'list', '--resource',
                     'VCPU=1')
    assert rp in [c['resource provider'] for c in candidates], candidates
