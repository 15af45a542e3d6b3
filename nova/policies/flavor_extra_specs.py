"""Policies of /flavors/{flavor_id}/os-extra_specs.

``index`` also decides whether extra specs appear inside flavors (2.61) and
inside servers' embedded flavors (2.47).
"""
from oslo_policy import policy

from nova.policies import base

POLICY_ROOT = 'os_compute_api:os-flavor-extra-specs:%s'
_PATH = '/flavors/{flavor_id}/os-extra_specs'

rules = [
    policy.DocumentedRuleDefault(
        name=POLICY_ROOT % 'index', check_str=base.PROJECT_READER_OR_ADMIN,
        description='List the extra specs of a flavor; also shows them '
                    'inside flavors (2.61) and servers (2.47).',
        operations=[{'method': 'GET', 'path': _PATH},
                    {'method': 'GET', 'path': '/flavors/detail'},
                    {'method': 'GET', 'path': '/flavors/{flavor_id}'},
                    {'method': 'GET', 'path': '/servers/detail'},
                    {'method': 'GET', 'path': '/servers/{server_id}'}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=POLICY_ROOT % 'show', check_str=base.PROJECT_READER_OR_ADMIN,
        description='Show one extra spec of a flavor.',
        operations=[{'method': 'GET', 'path': _PATH + '/{key}'}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=POLICY_ROOT % 'create', check_str=base.ADMIN,
        description='Create or update extra specs of a flavor.',
        operations=[{'method': 'POST', 'path': _PATH}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=POLICY_ROOT % 'update', check_str=base.ADMIN,
        description='Update one extra spec of a flavor.',
        operations=[{'method': 'PUT', 'path': _PATH + '/{key}'}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=POLICY_ROOT % 'delete', check_str=base.ADMIN,
        description='Delete one extra spec of a flavor.',
        operations=[{'method': 'DELETE', 'path': _PATH + '/{key}'}],
        scope_types=['project']),
]


def list_rules():
    return rules
