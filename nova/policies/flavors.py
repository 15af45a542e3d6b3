"""Policies of /flavors: management (create, update, delete) and access
lists of private flavors. Listing and showing flavors needs no rule."""
from oslo_policy import policy

from nova.policies import base

MANAGE = 'os_compute_api:os-flavor-manage:%s'
ACCESS = 'os_compute_api:os-flavor-access'
ACCESS_ACTION = 'os_compute_api:os-flavor-access:%s'

rules = [
    policy.DocumentedRuleDefault(
        name=MANAGE % 'create', check_str=base.ADMIN,
        description='Create a flavor.',
        operations=[{'method': 'POST', 'path': '/flavors'}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=MANAGE % 'update', check_str=base.ADMIN,
        description='Update the description of a flavor.',
        operations=[{'method': 'PUT', 'path': '/flavors/{flavor_id}'}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=MANAGE % 'delete', check_str=base.ADMIN,
        description='Delete a flavor.',
        operations=[{'method': 'DELETE', 'path': '/flavors/{flavor_id}'}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=ACCESS, check_str=base.ADMIN,
        description='List the projects a private flavor is shared with.',
        operations=[{'method': 'GET',
                     'path': '/flavors/{flavor_id}/os-flavor-access'}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=ACCESS_ACTION % 'add_tenant_access', check_str=base.ADMIN,
        description='Share a private flavor with a project.',
        operations=[{'method': 'POST',
                     'path': '/flavors/{flavor_id}/action (addTenantAccess)'}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=ACCESS_ACTION % 'remove_tenant_access', check_str=base.ADMIN,
        description='Stop sharing a private flavor with a project.',
        operations=[{'method': 'POST',
                     'path': '/flavors/{flavor_id}/action '
                             '(removeTenantAccess)'}],
        scope_types=['project']),
]


def list_rules():
    return rules
