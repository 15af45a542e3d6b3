"""Policies of POST /servers/{server_id}/action, one rule per action.

The names are Nova's, so existing policy files keep working.
"""
from oslo_policy import policy

from nova.policies import base

_PATH = '/servers/{server_id}/action (%s)'

REBOOT = 'os_compute_api:servers:reboot'
STOP = 'os_compute_api:servers:stop'
START = 'os_compute_api:servers:start'
RESIZE = 'os_compute_api:servers:resize'
CONFIRM_RESIZE = 'os_compute_api:servers:confirm_resize'
REVERT_RESIZE = 'os_compute_api:servers:revert_resize'
PAUSE = 'os_compute_api:os-pause-server:pause'
UNPAUSE = 'os_compute_api:os-pause-server:unpause'
SUSPEND = 'os_compute_api:os-suspend-server:suspend'
RESUME = 'os_compute_api:os-suspend-server:resume'
RESCUE = 'os_compute_api:os-rescue'
UNRESCUE = 'os_compute_api:os-unrescue'
CONSOLE_OUTPUT = 'os_compute_api:os-console-output'


def _rule(name, action, description):
    return policy.DocumentedRuleDefault(
        name=name, check_str=base.PROJECT_MEMBER_OR_ADMIN,
        description=description,
        operations=[{'method': 'POST', 'path': _PATH % action}],
        scope_types=['project'])


rules = [
    _rule(REBOOT, 'reboot', 'Reboot a server (soft or hard).'),
    _rule(STOP, 'os-stop', 'Stop a server.'),
    _rule(START, 'os-start', 'Start a stopped server.'),
    _rule(RESIZE, 'resize', 'Resize a server to another flavor.'),
    _rule(CONFIRM_RESIZE, 'confirmResize', 'Confirm a resize.'),
    _rule(REVERT_RESIZE, 'revertResize', 'Revert a resize.'),
    _rule(PAUSE, 'pause', 'Pause a server.'),
    _rule(UNPAUSE, 'unpause', 'Unpause a paused server.'),
    _rule(SUSPEND, 'suspend', 'Suspend a server.'),
    _rule(RESUME, 'resume', 'Resume a suspended server.'),
    _rule(RESCUE, 'rescue', 'Boot a server from a rescue image.'),
    _rule(UNRESCUE, 'unrescue', 'Leave rescue mode.'),
    _rule(CONSOLE_OUTPUT, 'os-getConsoleOutput',
          'Show the console output of a server.'),
]


def list_rules():
    return rules
