"""Nova's table of server status by (vm_state, task_state)."""
import pytest

from nova.api.compute.views import servers as views


@pytest.mark.parametrize('vm_state,task_state,status', [
    ('active', None, 'ACTIVE'),
    ('active', 'rebooting', 'REBOOT'),
    ('active', 'rebooting_hard', 'HARD_REBOOT'),
    ('active', 'rebuilding', 'REBUILD'),
    ('active', 'migrating', 'MIGRATING'),
    ('active', 'resize_prep', 'RESIZE'),
    ('active', 'updating_password', 'PASSWORD'),
    ('active', 'powering-off', 'ACTIVE'),
    ('active', 'deleting', 'ACTIVE'),
    ('building', 'scheduling', 'BUILD'),
    ('building', 'spawning', 'BUILD'),
    ('stopped', None, 'SHUTOFF'),
    ('stopped', 'resize_migrating', 'RESIZE'),
    ('resized', None, 'VERIFY_RESIZE'),
    ('resized', 'resize_reverting', 'REVERT_RESIZE'),
    ('paused', None, 'PAUSED'),
    ('suspended', None, 'SUSPENDED'),
    ('rescued', None, 'RESCUE'),
    ('error', None, 'ERROR'),
    ('error', 'rebuilding', 'REBUILD'),
    ('deleted', None, 'DELETED'),
    ('soft-delete', None, 'SOFT_DELETED'),
    ('shelved', None, 'SHELVED'),
    ('shelved_offloaded', None, 'SHELVED_OFFLOADED'),
    ('unheard-of', None, 'UNKNOWN'),
    (None, None, 'UNKNOWN'),
])
def test_status(vm_state, task_state, status):
    assert views.status(vm_state, task_state) == status


def test_states_of_statuses():
    assert views.states_of(['ACTIVE']) == (['active'], None)
    assert views.states_of(['shutoff', 'error']) == (
        ['error', 'stopped'], None)
    vm_states, task_states = views.states_of(['REBOOT'])
    assert vm_states == ['active']
    assert task_states == ['reboot_pending', 'reboot_started', 'rebooting']
    assert views.states_of(['NOPE']) == ([], [])
