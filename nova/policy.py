"""The policy enforcer of nova-api, built from the conf it is given."""
from oslo_policy import policy as oslo_policy

from nova import policies


def get_enforcer(conf):
    """A fresh oslo.policy Enforcer with every default rule registered.

    Scope checking and new-default enforcement are oslo.policy's own
    (``[oslo_policy] enforce_new_defaults``; oslo.policy 6 always checks
    scope); a policy file named by ``[oslo_policy] policy_file``, when it
    exists, overrides rules.
    """
    enforcer = oslo_policy.Enforcer(conf)
    enforcer.register_defaults(policies.list_rules())
    enforcer.load_rules()
    return enforcer
