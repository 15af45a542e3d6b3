"""The policy enforcer of nova-api, built from the conf it is given."""
import inspect

from oslo_policy import _checks
from oslo_policy import policy as oslo_policy

from nova import policies

# oslo.policy asks inspect.getfullargspec, at every node of every rule it
# evaluates, whether a check's __call__ takes the rule's name: about a
# tenth of the CPU of POST /servers. The answer depends only on the
# check's class, so it is worked out once per class; the evaluation is
# oslo.policy's own.
_TAKES_RULE_NAME = {}


def _check(rule, target, creds, enforcer, current_rule=None):
    cls = type(rule)
    takes = _TAKES_RULE_NAME.get(cls) if '__call__' not in vars(rule) \
        else None
    if takes is None:
        takes = len(inspect.getfullargspec(rule.__call__).args) > 4
        if '__call__' not in vars(rule):
            _TAKES_RULE_NAME[cls] = takes
    if takes:
        return rule(target, creds, enforcer, current_rule)
    return rule(target, creds, enforcer)


if hasattr(_checks, '_check'):
    _checks._check = _check


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
    if not enforcer.policy_path and not _existing_policy_dirs(enforcer):
        # Nothing to override the defaults: oslo.policy would look for the
        # file and the directories again on every check (about ten stat()
        # calls each). A policy file added later needs a restart.
        enforcer.use_conf = False
    return enforcer


def _existing_policy_dirs(enforcer):
    found = []
    for path in enforcer.conf.oslo_policy.policy_dirs:
        try:
            found.append(enforcer._get_policy_path(path))
        except Exception:
            continue
    return found
