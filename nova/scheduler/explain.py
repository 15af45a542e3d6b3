"""NoValidHost that explains itself.

A Trace follows one decision: for each step (placement's query, each host
filter, capacity left within a multi-create) how many hosts went in and
which ones it removed. When no host is left, the tenant gets the reason of
the step that removed the last ones, in words without host names ("no
host has 64 GiB of free RAM"); admins get the whole trace in the fault's
``details``, and the scheduler logs it at INFO.
"""
from oslo_log import log as logging

from nova import exception

LOG = logging.getLogger(__name__)

# Host names listed per step in the admin view before "and N more".
_MAX_NAMES = 20


class Step:
    def __init__(self, name, before, removed, note=None):
        self.name = name
        self.before = before
        # A list of host names, or a callable giving one (computed only
        # when the trace is shown: placement's step spans every host).
        self._removed = removed
        self.note = note

    @property
    def removed(self):
        if callable(self._removed):
            self._removed = self._removed()
        return list(self._removed)

    def render(self):
        removed = self.removed
        text = '%s: %d host(s) in, %d removed' % (self.name, self.before,
                                                  len(removed))
        if self.note:
            text += ' (%s)' % self.note
        if removed:
            names = sorted(removed)
            shown = ', '.join(names[:_MAX_NAMES])
            if len(names) > _MAX_NAMES:
                shown += ', and %d more' % (len(names) - _MAX_NAMES)
            text += ': ' + shown
        return text


class Trace:
    def __init__(self, request_text=''):
        self.request_text = request_text
        self.steps = []
        self.instance_index = 0

    def add(self, name, before, removed, note=None):
        self.steps.append(Step(name, before, removed, note))

    def details(self):
        lines = ['Request: %s' % self.request_text] if self.request_text \
            else []
        if self.instance_index:
            lines.append('Failed at instance %d of the request'
                         % (self.instance_index + 1))
        lines.extend(step.render() for step in self.steps)
        return '\n'.join(lines)

    def no_valid_host(self, reason, placed=0, total=1):
        """A NoValidHost for the tenant, with the trace for admins."""
        reason = reason or 'no host is left that can take it'
        text = reason[:1].upper() + reason[1:]
        if not text.endswith('.'):
            text += '.'
        if total > 1:
            text = 'Only %d of the %d instances could be placed: %s' % (
                placed, total, text[:1].lower() + text[1:])
        details = self.details()
        LOG.info('NoValidHost: %s\n%s', text, details)
        exc = exception.NoValidHost(reason=text)
        exc.details = details
        return exc


def ram_text(mb):
    if mb >= 1024 and mb % 1024 == 0:
        return '%d GiB' % (mb // 1024)
    return '%d MiB' % mb


_PHRASES = {
    'MEMORY_MB': lambda n: '%s of RAM free' % ram_text(n),
    'VCPU': lambda n: '%d vCPU%s free' % (n, '' if n == 1 else 's'),
    'DISK_GB': lambda n: '%d GiB of disk free' % n,
}


def resource_phrase(rc, amount):
    phrase = _PHRASES.get(rc)
    return phrase(amount) if phrase else '%d %s free' % (amount, rc)


def shortage_reason(short, resources):
    """Tenant text for placement finding no host with enough resources.

    short: the resource classes no host alone has enough of (may be
    empty: each is available somewhere, never all together).
    """
    if short:
        return 'no host has ' + ' and '.join(
            resource_phrase(rc, resources[rc]) for rc in sorted(short))
    return 'no host has %s at the same time' % ', '.join(
        resource_phrase(rc, n) for rc, n in sorted(resources.items()))
