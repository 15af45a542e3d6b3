"""Default policy rules and the enforcer built from a conf."""
import os

from oslo_policy import opts as policy_opts
from oslo_policy import policy as oslo_policy
import pytest

from nova import conf as nova_conf
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


def _can_create(enforcer):
    return _ctx('u', 'p1', ['member', 'reader']).can(
        enforcer, 'os_compute_api:servers:create', {'project_id': 'p1'},
        fatal=False)


def test_a_policy_file_overrides_and_is_reloaded_when_it_changes(tmp_path):
    path = tmp_path / 'policy.yaml'
    path.write_text('"os_compute_api:servers:create": "role:admin"\n')
    conf = nova_conf.build_conf()
    policy_opts.set_defaults(conf, policy_file=str(path))
    enforcer = policy.get_enforcer(conf)
    assert _can_create(enforcer) is False
    path.write_text('"os_compute_api:servers:create": "role:member"\n')
    stat = path.stat()
    os.utime(path, (stat.st_atime, stat.st_mtime + 5))
    assert _can_create(enforcer) is True


def test_without_a_policy_file_the_defaults_apply_without_searching(
        tmp_path, monkeypatch):
    conf = nova_conf.build_conf()
    policy_opts.set_defaults(conf, policy_file=str(tmp_path / 'absent.yaml'))
    enforcer = policy.get_enforcer(conf)
    assert enforcer.use_conf is False
    searched = []
    monkeypatch.setattr(enforcer, '_get_policy_path',
                        lambda path: searched.append(path))
    assert _can_create(enforcer) is True
    assert searched == []
