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
    policy.DocumentedRuleDefault(
        name=SERVICES % 'update', check_str=base.ADMIN,
        description='Enable, disable or force down a service.',
        operations=[{'method': 'PUT', 'path': '/os-services/{service_id}'},
                    {'method': 'PUT', 'path': '/os-services/enable'},
                    {'method': 'PUT', 'path': '/os-services/disable'},
                    {'method': 'PUT',
                     'path': '/os-services/disable-log-reason'},
                    {'method': 'PUT', 'path': '/os-services/force-down'}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=SERVICES % 'delete', check_str=base.ADMIN,
        description='Delete a service; for a compute service, also its '
                    'compute nodes, resource providers, host mapping and '
                    'aggregate memberships.',
        operations=[{'method': 'DELETE', 'path': '/os-services/{service_id}'}],
        scope_types=['project']),
]


def list_rules():
    return rules
