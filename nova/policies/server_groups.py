"""Policies of /os-server-groups: a project's members create and delete
its groups, readers see them, admins see every project's."""
from oslo_policy import policy

from nova.policies import base

POLICY_ROOT = 'os_compute_api:os-server-groups:%s'


def _rule(name, check, description, method, path):
    return policy.DocumentedRuleDefault(
        name=POLICY_ROOT % name, check_str=check, description=description,
        operations=[{'method': method, 'path': path}],
        scope_types=['project'])


rules = [
    _rule('create', base.PROJECT_MEMBER_OR_ADMIN, 'Create a server group.',
          'POST', '/os-server-groups'),
    _rule('delete', base.PROJECT_MEMBER_OR_ADMIN, 'Delete a server group.',
          'DELETE', '/os-server-groups/{server_group_id}'),
    _rule('index', base.PROJECT_READER_OR_ADMIN,
          "List the project's server groups.", 'GET', '/os-server-groups'),
    _rule('index:all_projects', base.ADMIN,
          'List the server groups of every project (all_projects).',
          'GET', '/os-server-groups'),
    _rule('show', base.PROJECT_READER_OR_ADMIN, 'Show a server group.',
          'GET', '/os-server-groups/{server_group_id}'),
]


def list_rules():
    return rules
