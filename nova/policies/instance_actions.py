"""Policies of /servers/{server_id}/os-instance-actions.

The names are Nova's, so existing policy files keep working. ``events``,
``events:details`` and the host of an event decide what a show contains;
they are checked only once ``show`` passed.
"""
from oslo_policy import policy

from nova.policies import base

POLICY_ROOT = 'os_compute_api:os-instance-actions:%s'
LIST = POLICY_ROOT % 'list'
SHOW = POLICY_ROOT % 'show'
EVENTS = POLICY_ROOT % 'events'
EVENTS_DETAILS = POLICY_ROOT % 'events:details'

_LIST_PATH = '/servers/{server_id}/os-instance-actions'
_SHOW_PATH = _LIST_PATH + '/{request_id}'


def _rule(name, check, description, path):
    return policy.DocumentedRuleDefault(
        name=name, check_str=check, description=description,
        operations=[{'method': 'GET', 'path': path}],
        scope_types=['project'])


rules = [
    _rule(LIST, base.PROJECT_READER_OR_ADMIN,
          'List the actions of a server.', _LIST_PATH),
    _rule(SHOW, base.PROJECT_READER_OR_ADMIN,
          'Show an action of a server.', _SHOW_PATH),
    _rule(EVENTS, base.ADMIN,
          'Show the events of an action with their traceback, and from '
          '2.62 their host. Before 2.51 a caller this rule refuses sees no '
          'events at all; from 2.51 it sees them without traceback and '
          'host (hostId, from 2.62, is shown to everyone).', _SHOW_PATH),
    _rule(EVENTS_DETAILS, base.ADMIN,
          'Show the details of action events (2.84), which may name the '
          'hypervisor or other parts of the deployment.', _SHOW_PATH),
]


def list_rules():
    return rules
