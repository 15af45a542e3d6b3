"""Policies of /os-availability-zone: anyone may see which zones exist;
the hosts and services in them are for admins."""
from oslo_policy import policy

from nova.policies import base

POLICY_ROOT = 'os_compute_api:os-availability-zone:%s'

rules = [
    policy.DocumentedRuleDefault(
        name=POLICY_ROOT % 'list', check_str=base.RULE_ANY,
        description='List availability zones.',
        operations=[{'method': 'GET', 'path': '/os-availability-zone'}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=POLICY_ROOT % 'detail', check_str=base.ADMIN,
        description='List availability zones with their hosts and '
                    'services.',
        operations=[{'method': 'GET',
                     'path': '/os-availability-zone/detail'}],
        scope_types=['project']),
]


def list_rules():
    return rules
