"""The state table of server actions (nova.compute.states) and the pieces
of the workflows that are pure logic."""
import itertools
import pathlib
import re

import pytest

from nova.api.compute.views import servers as server_views
from nova.compute import console
from nova.compute import power
from nova.compute import snapshot
from nova.compute import states
from nova import exception
from nova.objects import fields

V, T = fields.VMState, fields.TaskState

# Nova's rules, written out independently of the table: action ->
# (vm_states it may start from, task_states it may start from).
_REBOOT_TASKS = {None, T.REBOOTING, T.REBOOTING_HARD, T.RESUMING,
                 T.UNPAUSING, T.PAUSING, T.SUSPENDING}
NOVA = {
    'reboot': ({V.ACTIVE}, {None}),
    'reboot_hard': ({V.ACTIVE, V.STOPPED, V.PAUSED, V.SUSPENDED, V.ERROR},
                    _REBOOT_TASKS),
    'stop': ({V.ACTIVE, V.ERROR}, {None}),
    'start': ({V.STOPPED}, {None}),
    'pause': ({V.ACTIVE}, {None}),
    'unpause': ({V.PAUSED}, {None}),
    'suspend': ({V.ACTIVE}, {None}),
    'resume': ({V.SUSPENDED}, {None}),
    'rescue': ({V.ACTIVE, V.STOPPED, V.ERROR}, {None}),
    'unrescue': ({V.RESCUED}, {None}),
    'resize': ({V.ACTIVE, V.STOPPED}, {None}),
    'confirm_resize': ({V.RESIZED}, {None}),
    'revert_resize': ({V.RESIZED}, {None}),
}


class _Instance:
    uuid = 'f00d'

    def __init__(self, vm_state, task_state):
        self.vm_state = vm_state
        self.task_state = task_state


def _allowed(rule, vm_state, task_state):
    try:
        rule.check(_Instance(vm_state, task_state))
    except exception.InstanceInvalidState:
        return False
    return True


@pytest.mark.parametrize('name', sorted(NOVA))
def test_every_cell_of_the_table_matches_nova(name):
    rule = states.rule_for(name)
    vm_ok, task_ok = NOVA[name]
    for vm_state, task_state in itertools.product(V.ALL, (None,) + T.ALL):
        expected = vm_state in vm_ok and task_state in task_ok
        assert _allowed(rule, vm_state, task_state) == expected, (
            name, vm_state, task_state)


def test_the_table_covers_the_actions_and_only_those():
    assert set(NOVA) <= set(states.TABLE)


def test_409_names_the_action_and_the_state_that_forbids_it():
    with pytest.raises(exception.InstanceInvalidState) as caught:
        states.rule_for('stop').check(_Instance(V.STOPPED, None))
    assert caught.value.code == 409
    assert caught.value.format_message() == (
        "Cannot 'stop' instance f00d while it is in vm_state stopped")
    with pytest.raises(exception.InstanceInvalidState) as caught:
        states.rule_for('reboot').check(_Instance(V.ACTIVE, T.PAUSING))
    assert caught.value.format_message() == (
        "Cannot 'reboot' instance f00d while it is in task_state pausing")
    with pytest.raises(exception.InstanceInvalidState) as caught:
        states.rule_for('confirm_resize').check(_Instance(V.ACTIVE, None))
    assert "Cannot 'confirmResize'" in caught.value.format_message()


def test_states_are_known_values():
    for rule in states.TABLE.values():
        assert set(rule.vm_states) <= set(V.ALL)
        assert set(rule.task_states) <= {None} | set(T.ALL)
        assert rule.task_state in T.ALL
        assert rule.done_vm_state in (None,) + V.ALL
        assert rule.error_vm_state in (None,) + V.ALL


def test_a_running_action_forbids_starting_it_again():
    # The task_state an action sets is never one it may start from, or a
    # double click would run it twice. (Hard reboot is Nova's exception:
    # it may overtake a reboot still running.)
    for name, rule in states.TABLE.items():
        if name != 'reboot_hard':
            assert rule.task_state not in rule.task_states, name


@pytest.mark.parametrize('name', sorted(NOVA))
def test_every_transient_state_shows_a_status(name):
    rule = states.rule_for(name)
    for vm_state in rule.vm_states:
        assert server_views.status(vm_state, rule.task_state) != 'UNKNOWN'
    if rule.done_vm_state:
        assert server_views.status(rule.done_vm_state, None) != 'UNKNOWN'


def test_status_of_the_transient_states_is_novas():
    status = server_views.status
    assert status(V.ACTIVE, T.REBOOTING) == 'REBOOT'
    assert status(V.STOPPED, T.REBOOTING_HARD) == 'SHUTOFF'
    assert status(V.ACTIVE, T.REBOOTING_HARD) == 'HARD_REBOOT'
    assert status(V.ACTIVE, T.RESIZE_MIGRATING) == 'RESIZE'
    assert status(V.RESIZED, None) == 'VERIFY_RESIZE'
    assert status(V.RESIZED, T.RESIZE_REVERTING) == 'REVERT_RESIZE'
    assert status(V.RESCUED, None) == 'RESCUE'


def test_a_restart_handles_every_task_state_an_action_sets():
    set_by_actions = {r.task_state for name, r in states.TABLE.items()
                      if name != 'snapshot'}   # nova.compute.snapshot's
    set_by_actions |= set(states.RESIZE_STEPS)
    assert set_by_actions <= set(power.RECOVERED_TASK_STATES)
    assert not set(power.RECOVERED_TASK_STATES) & set(snapshot.TASK_STATES)


@pytest.mark.parametrize('log, length, expected', [
    ('a\nb\nc\n', None, 'a\nb\nc\n'),
    ('a\nb\nc\n', 1, 'c\n'),
    ('a\nb\nc\n', 2, 'b\nc\n'),
    ('a\nb\nc', 2, 'b\nc'),
    ('a\nb\nc\n', 10, 'a\nb\nc\n'),
    ('a\nb\nc\n', 0, ''),
    ('', 3, ''),
])
def test_console_tail(log, length, expected):
    assert console.tail(log, length) == expected


class _BytesDriver:
    """A ConsoleCapable driver whose guest wrote invalid UTF-8."""

    def get_console_output(self, context, instance):
        return b'ok \xff\n'


def test_console_output_needs_the_capability_and_decodes_leniently():
    from nova.virt import driver as virt_driver
    with pytest.raises(exception.ActionNotSupported) as caught:
        console.get_console_output(None, _BytesDriver(), _Instance(V.ACTIVE,
                                                                   None))
    assert caught.value.code == 409

    class Capable(_BytesDriver, virt_driver.ConsoleCapable):
        pass
    assert console.get_console_output(
        None, Capable(), _Instance(V.ACTIVE, None)) == 'ok \ufffd\n'


_DOC = (pathlib.Path(__file__).resolve().parents[3] / 'doc' /
        'architecture' / 'state-table.rst')
_DOC_ROWS = {'reboot SOFT': 'reboot', 'reboot HARD': 'reboot_hard',
             'os-stop (stop)': 'stop', 'os-start (start)': 'start',
             'confirmResize': 'confirm_resize',
             'revertResize': 'revert_resize', 'createImage': 'snapshot'}


def _doc_table():
    """{row label: [cell text per column]} of the table in the doc."""
    lines = _DOC.read_text().splitlines()
    borders = [i for i, line in enumerate(lines)
               if line.startswith('=' * 18 + '  ')]
    top, _, bottom = borders[:3]
    spans = [(m.start(), m.end()) for m in re.finditer('=+', lines[top])]
    rows = {}
    label = None
    for line in lines[top + 3:bottom]:
        cells = [line[a:b + 2].strip() for a, b in spans]
        if cells[0]:
            label = cells[0]
            rows[label] = cells
        else:
            rows[label] = [' '.join(filter(None, pair))
                           for pair in zip(rows[label], cells)]
    return rows


def _words(text):
    return {w.strip(',') for w in text.split() if w.strip(',')}


def test_the_doc_shows_the_table():
    rows = _doc_table()
    assert {_DOC_ROWS.get(label, label) for label in rows} == \
        set(states.TABLE)
    for label, cells in rows.items():
        rule = states.TABLE[_DOC_ROWS.get(label, label)]
        assert _words(cells[1]) == set(rule.vm_states), label
        tasks = {None if w == 'idle' else w for w in _words(cells[2])}
        assert tasks == set(rule.task_states), label
        assert cells[3] == rule.task_state, label
