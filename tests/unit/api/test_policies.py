"""Default policy rules and the enforcer built from a conf."""
from oslo_policy import policy as oslo_policy
import pytest

from nova import context as nova_context
from nova import policies
from nova import policy


def test_rules_are_unique_and_documented():
    rules = policies.list_rules()
    names = [r.name for r in rules]
    assert len(names) == len(set(names))
    api_rules = [r for r in rules if r.name.startswith(('os_compute_api',
                                                         'compute:'))]
    assert api_rules
    for rule in api_rules:
        assert isinstance(rule, oslo_policy.DocumentedRuleDefault)
        assert rule.scope_types == ['project']


def _ctx(user, project, roles):
    return nova_context.RequestContext(user_id=user, project_id=project,
                                       roles=roles)


@pytest.mark.parametrize('roles,target_project,action,allowed', [
    (['member', 'reader'], 'p1', 'os_compute_api:servers:create', True),
    (['reader'], 'p1', 'os_compute_api:servers:create', False),
    (['reader'], 'p1', 'os_compute_api:servers:show', True),
    (['member', 'reader'], 'p2', 'os_compute_api:servers:show', False),
    (['member', 'reader'], 'p2', 'os_compute_api:servers:delete', False),
    (['admin'], 'p2', 'os_compute_api:servers:delete', True),
    (['member'], 'p1', 'os_compute_api:os-flavor-manage:create', False),
    (['admin'], 'p1', 'os_compute_api:os-flavor-manage:create', True),
    (['member'], 'p1', 'os_compute_api:servers:index:get_all_tenants',
     False),
    (['member'], 'p1', 'os_compute_api:os-extended-server-attributes',
     False),
    (['admin'], 'p1', 'os_compute_api:os-extended-server-attributes', True),
    (['reader'], 'p1', 'os_compute_api:os-flavor-extra-specs:index', True),
    (['manager', 'member', 'reader'], 'p1',
     'compute:servers:create:requested_destination', False),
])
def test_new_default_roles(conf, roles, target_project, action, allowed):
    enforcer = policy.get_enforcer(conf)
    ctx = _ctx('u', 'p1', roles)
    assert ctx.can(enforcer, action, {'project_id': target_project},
                   fatal=False) is allowed
