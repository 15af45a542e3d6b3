"""nova.policy evaluates each node of a rule as oslo.policy does, asking
once per check class whether its __call__ takes the rule's name."""
from oslo_policy import _checks

from nova import policy


class _Legacy(_checks.BaseCheck):
    def __str__(self):
        return 'legacy'

    def __call__(self, target, creds, enforcer):
        return ('legacy', target['x'])


class _Modern(_checks.BaseCheck):
    def __str__(self):
        return 'modern'

    def __call__(self, target, creds, enforcer, current_rule=None):
        return ('modern', current_rule)


def test_oslo_policy_evaluates_through_ours():
    assert _checks._check is policy._check


def test_a_check_gets_the_rule_name_only_if_it_takes_it():
    assert policy._check(_Legacy(), {'x': 1}, {}, None, 'r') == ('legacy', 1)
    assert policy._check(_Modern(), {}, {}, None, 'r') == ('modern', 'r')
    # Again, from the per-class answer.
    assert policy._check(_Modern(), {}, {}, None, 's') == ('modern', 's')
    assert policy._TAKES_RULE_NAME[_Modern] is True
    assert policy._TAKES_RULE_NAME[_Legacy] is False


def test_a_call_set_on_one_check_is_honoured():
    check = _Modern()
    check.__call__ = lambda target, creds, enforcer: 'own'
    # Python calls the class's __call__; oslo.policy inspects the
    # instance's: the instance's signature decides the arguments.
    assert policy._check(check, {}, {}, None, 'r') == ('modern', None)
