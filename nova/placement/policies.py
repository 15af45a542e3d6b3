"""Default policy rules of the placement API, one per route and method.

Like placement's own defaults: an administrator or another service (the
``service`` role, e.g. a scheduler or compute talking HTTP) may do
everything, nobody else anything.
"""
import itertools

from oslo_policy import policy

from nova.policies import base

ADMIN_OR_SERVICE = base.SERVICE_OR_ADMIN
PREFIX = 'placement:'

_RULES = [
    ('resource_providers:list', 'GET', '/resource_providers'),
    ('resource_providers:create', 'POST', '/resource_providers'),
    ('resource_providers:show', 'GET', '/resource_providers/{uuid}'),
    ('resource_providers:update', 'PUT', '/resource_providers/{uuid}'),
    ('resource_providers:delete', 'DELETE', '/resource_providers/{uuid}'),
    ('resource_classes:list', 'GET', '/resource_classes'),
    ('resource_classes:create', 'POST', '/resource_classes'),
    ('resource_classes:show', 'GET', '/resource_classes/{name}'),
    ('resource_classes:update', 'PUT', '/resource_classes/{name}'),
    ('resource_classes:delete', 'DELETE', '/resource_classes/{name}'),
    ('resource_providers:inventories:list', 'GET',
     '/resource_providers/{uuid}/inventories'),
    ('resource_providers:inventories:create', 'POST',
     '/resource_providers/{uuid}/inventories'),
    ('resource_providers:inventories:show', 'GET',
     '/resource_providers/{uuid}/inventories/{resource_class}'),
    ('resource_providers:inventories:update', 'PUT',
     '/resource_providers/{uuid}/inventories[/{resource_class}]'),
    ('resource_providers:inventories:delete', 'DELETE',
     '/resource_providers/{uuid}/inventories[/{resource_class}]'),
    ('resource_providers:aggregates:list', 'GET',
     '/resource_providers/{uuid}/aggregates'),
    ('resource_providers:aggregates:update', 'PUT',
     '/resource_providers/{uuid}/aggregates'),
    ('resource_providers:usages', 'GET',
     '/resource_providers/{uuid}/usages'),
    ('usages', 'GET', '/usages'),
    ('traits:list', 'GET', '/traits'),
    ('traits:show', 'GET', '/traits/{name}'),
    ('traits:update', 'PUT', '/traits/{name}'),
    ('traits:delete', 'DELETE', '/traits/{name}'),
    ('resource_providers:traits:list', 'GET',
     '/resource_providers/{uuid}/traits'),
    ('resource_providers:traits:update', 'PUT',
     '/resource_providers/{uuid}/traits'),
    ('resource_providers:traits:delete', 'DELETE',
     '/resource_providers/{uuid}/traits'),
    ('allocations:manage', 'POST', '/allocations'),
    ('allocations:list', 'GET', '/allocations/{consumer_uuid}'),
    ('allocations:update', 'PUT', '/allocations/{consumer_uuid}'),
    ('allocations:delete', 'DELETE', '/allocations/{consumer_uuid}'),
    ('resource_providers:allocations:list', 'GET',
     '/resource_providers/{uuid}/allocations'),
    ('allocation_candidates:list', 'GET', '/allocation_candidates'),
    ('reshaper:reshape', 'POST', '/reshaper'),
]


def _rule(name, method, path):
    return policy.DocumentedRuleDefault(
        name=PREFIX + name, check_str=ADMIN_OR_SERVICE,
        description='%s %s of the placement API.' % (method, path),
        operations=[{'method': method, 'path': path}])


rules = [_rule(*args) for args in _RULES]


def list_rules():
    """The placement rules (the oslo.policy.policies entry point)."""
    return rules


def get_enforcer(conf):
    """A fresh enforcer with the base and placement rules."""
    enforcer = policy.Enforcer(conf)
    enforcer.register_defaults(itertools.chain(base.list_rules(), rules))
    enforcer.load_rules()
    return enforcer
