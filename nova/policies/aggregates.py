"""Policies of /os-aggregates: host aggregates are an operator's tool."""
from oslo_policy import policy

from nova.policies import base

POLICY_ROOT = 'os_compute_api:os-aggregates:%s'
# Nova gave the images rule (2.81) its newer kind of name; operators'
# policy files use that name, so we do too.
NEW_POLICY_ROOT = 'compute:aggregates:%s'
IMAGES = NEW_POLICY_ROOT % 'images'
_ONE = '/os-aggregates/{aggregate_id}'


def _rule(name, description, method, path):
    return policy.DocumentedRuleDefault(
        name=POLICY_ROOT % name, check_str=base.ADMIN,
        description=description,
        operations=[{'method': method, 'path': path}],
        scope_types=['project'])


rules = [
    _rule('index', 'List host aggregates.', 'GET', '/os-aggregates'),
    _rule('create', 'Create a host aggregate.', 'POST', '/os-aggregates'),
    _rule('show', 'Show a host aggregate.', 'GET', _ONE),
    _rule('update', 'Rename a host aggregate or change its zone.',
          'PUT', _ONE),
    _rule('delete', 'Delete an empty host aggregate.', 'DELETE', _ONE),
    _rule('add_host', 'Add a host to an aggregate.', 'POST',
          _ONE + '/action (add_host)'),
    _rule('remove_host', 'Remove a host from an aggregate.', 'POST',
          _ONE + '/action (remove_host)'),
    _rule('set_metadata', 'Set or unset metadata of an aggregate.', 'POST',
          _ONE + '/action (set_metadata)'),
    policy.DocumentedRuleDefault(
        name=IMAGES, check_str=base.ADMIN,
        description='Request image caching for an aggregate.',
        operations=[{'method': 'POST', 'path': _ONE + '/images'}],
        scope_types=['project']),
]


def list_rules():
    return rules
