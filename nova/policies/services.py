"""Policies of /os-services: the state of every nova daemon."""
from oslo_policy import policy

from nova.policies import base

SERVICES = 'os_compute_api:os-services:%s'

rules = [
    policy.DocumentedRuleDefault(
        name=SERVICES % 'list', check_str=base.ADMIN,
        description='List the services and whether each one is up.',
        operations=[{'method': 'GET', 'path': '/os-services'}],
        scope_types=['project']),
]


def list_rules():
    return rules
