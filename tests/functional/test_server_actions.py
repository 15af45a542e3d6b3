"""POST /servers/{id}/action through the whole stack on the fake driver.

What the compute API reference says of each lifecycle action: the status
code and body, the state the server reaches, the 409 when its state forbids
the action, the 400 for a bad body, the 404 for an unknown server; and
what the compute records (instance actions and events, faults).
"""
import uuid

import pytest

from nova.compute import states
from nova import context as nova_context
from nova import exception
from nova import objects
from tests.functional import conftest

FAIL = 'doomed'   # the fake driver fails this server's pause and resume


@pytest.fixture(scope='module')
def stack(tmp_path_factory):
    stack = conftest.Stack(
        tmp_path_factory.mktemp('actions'),
        **{'fake_driver.fail_actions': ['%s:pause' % FAIL,
                                        '%s:resume' % FAIL,
                                        '%s:reboot' % FAIL]})
    yield stack
    stack.stop()


def _active_server(client, flavor, name='vm'):
    server = client.create_server(flavor, name=name)
    return client.wait_for_status(server['id'], 'ACTIVE')['id']


def _act(client, server_id, body, **kw):
    return client.post('/servers/%s/action' % server_id, body, **kw)


def _conflict(resp):
    assert resp.status_int == 409, resp.text
    return resp.json['conflictingRequest']['message']


def _actions(server_id):
    """[(action, [(event, result)])] recorded for the server, oldest first.
    """
    ctx = nova_context.get_admin_context()
    mapping = objects.InstanceMapping.get_by_instance_uuid(ctx, server_id)
    with nova_context.target_cell(ctx, mapping.cell_mapping) as cctxt:
        result = []
        for action in reversed(objects.InstanceActionList
                               .get_by_instance_uuid(cctxt,
                                                     server_id).objects):
            events = objects.InstanceActionEventList.get_by_action(
                cctxt, action.id)
            result.append((action.action, [(e.event, e.result)
                                           for e in events]))
        return result


def _wait_for_event(server_id, action, timeout=10):
    import time
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for name, events in _actions(server_id):
            if name == action and events:
                return events
        time.sleep(0.05)
    raise AssertionError('no event for %s of %s' % (action, server_id))


# -- stop and start -----------------------------------------------------------

def test_stop_then_start(user, flavor):
    server_id = _active_server(user, flavor)
    resp = _act(user, server_id, {'os-stop': None})
    assert resp.status_int == 202 and resp.body == b''
    stopped = user.wait_for_status(server_id, 'SHUTOFF')
    assert stopped['OS-EXT-STS:vm_state'] == 'stopped'
    assert stopped['OS-EXT-STS:power_state'] == 4
    assert stopped['OS-EXT-STS:task_state'] is None
    message = _conflict(_act(user, server_id, {'os-stop': None}))
    assert message == ("Cannot 'stop' instance %s while it is in vm_state "
                       "stopped" % server_id)
    assert _act(user, server_id, {'os-start': None}).status_int == 202
    started = user.wait_for_status(server_id, 'ACTIVE')
    assert started['OS-EXT-STS:power_state'] == 1
    assert [a for a, _ in _actions(server_id)] == ['create', 'stop',
                                                     'start']
    assert _wait_for_event(server_id, 'start') == [
        ('compute_start_instance', 'Success')]


def test_start_of_an_active_server_is_a_409(user, flavor):
    server_id = _active_server(user, flavor)
    message = _conflict(_act(user, server_id, {'os-start': None}))
    assert message == ("Cannot 'start' instance %s while it is in vm_state "
                       "active" % server_id)


# -- reboot -------------------------------------------------------------------

def test_soft_and_hard_reboot_boot_the_guest_again(user, flavor):
    server_id = _active_server(user, flavor)
    for kind in ('SOFT', 'hard'):
        resp = _act(user, server_id, {'reboot': {'type': kind}})
        assert resp.status_int == 202, resp.text
        _wait_for_event(server_id, 'reboot')
        user.wait_for_status(server_id, 'ACTIVE')
    output = _act(user, server_id, {'os-getConsoleOutput': {}}).json
    assert output['output'].count('FAKE-GUEST BOOTED') == 3


def test_soft_reboot_of_a_stopped_server_is_a_409_hard_reboot_starts_it(
        user, flavor):
    server_id = _active_server(user, flavor)
    _act(user, server_id, {'os-stop': None})
    user.wait_for_status(server_id, 'SHUTOFF')
    message = _conflict(_act(user, server_id, {'reboot': {'type': 'SOFT'}}))
    assert message == ("Cannot 'reboot' instance %s while it is in vm_state "
                       "stopped" % server_id)
    assert _act(user, server_id,
                {'reboot': {'type': 'HARD'}}).status_int == 202
    server = user.wait_for_status(server_id, 'ACTIVE')
    assert server['OS-EXT-STS:power_state'] == 1


@pytest.mark.parametrize('body', [
    {'reboot': {}}, {'reboot': {'type': 'WARM'}}, {'reboot': None},
    {'reboot': {'type': 'SOFT', 'extra': 1}}])
def test_bad_reboot_bodies_are_400(user, flavor, body):
    server_id = _active_server(user, flavor)
    resp = _act(user, server_id, body)
    assert resp.status_int == 400, resp.text
    assert 'badRequest' in resp.json


def test_reboot_failure_leaves_error_with_a_fault(user, flavor):
    server_id = _active_server(user, flavor, name=FAIL)
    assert _act(user, server_id,
                {'reboot': {'type': 'SOFT'}}).status_int == 202
    server = user.wait_for_status(server_id, 'ERROR')
    assert server['OS-EXT-STS:task_state'] is None
    assert 'told to fail reboot' in server['fault']['message']
    assert _wait_for_event(server_id, 'reboot')[0][1] == 'Error'
    # A hard reboot is how a user gets out of ERROR: allowed, and here it
    # fails again, still with no task_state left behind.
    assert _act(user, server_id,
                {'reboot': {'type': 'HARD'}}).status_int == 202


# -- pause and suspend --------------------------------------------------------

def test_pause_unpause_suspend_resume(user, flavor):
    server_id = _active_server(user, flavor)
    assert _act(user, server_id, {'pause': None}).status_int == 202
    paused = user.wait_for_status(server_id, 'PAUSED')
    assert paused['OS-EXT-STS:power_state'] == 3
    message = _conflict(_act(user, server_id, {'suspend': None}))
    assert "while it is in vm_state paused" in message
    assert _act(user, server_id, {'unpause': None}).status_int == 202
    user.wait_for_status(server_id, 'ACTIVE')
    assert _act(user, server_id, {'suspend': None}).status_int == 202
    suspended = user.wait_for_status(server_id, 'SUSPENDED')
    assert suspended['OS-EXT-STS:power_state'] == 7
    assert _conflict(_act(user, server_id, {'unpause': None}))
    assert _act(user, server_id, {'resume': None}).status_int == 202
    assert user.wait_for_status(server_id, 'ACTIVE')[
        'OS-EXT-STS:power_state'] == 1


def test_failed_pause_returns_to_active_with_no_task_state(user, flavor):
    server_id = _active_server(user, flavor, name=FAIL)
    assert _act(user, server_id, {'pause': None}).status_int == 202
    assert _wait_for_event(server_id, 'pause')[0] == (
        'compute_pause_instance', 'Error')
    server = user.wait_for_status(server_id, 'ACTIVE')
    assert server['OS-EXT-STS:task_state'] is None
    assert server['OS-EXT-STS:power_state'] == 1


def test_pause_takes_a_null_body_only(user, flavor):
    server_id = _active_server(user, flavor)
    resp = _act(user, server_id, {'pause': {'now': True}})
    assert resp.status_int == 400, resp.text


# -- console output -----------------------------------------------------------

def test_console_output_and_its_length(user, flavor):
    server_id = _active_server(user, flavor)
    whole = _act(user, server_id, {'os-getConsoleOutput': {}})
    assert whole.status_int == 200
    lines = whole.json['output'].splitlines()
    assert lines[-1] == 'FAKE-GUEST BOOTED' and len(lines) == 2
    last = _act(user, server_id, {'os-getConsoleOutput': {'length': 1}})
    assert last.json == {'output': 'FAKE-GUEST BOOTED\n'}
    for length in (-1, '-1', None):
        resp = _act(user, server_id,
                    {'os-getConsoleOutput': {'length': length}})
        assert resp.json == whole.json
    assert _act(user, server_id, {'os-getConsoleOutput': {'length': 0}}
                ).json == {'output': ''}
    for bad in (-2, 'two', 1.5):
        resp = _act(user, server_id,
                    {'os-getConsoleOutput': {'length': bad}})
        assert resp.status_int == 400, (bad, resp.text)


# -- rescue -------------------------------------------------------------------

def test_rescue_returns_the_password_and_unrescue_returns_to_active(
        user, flavor):
    server_id = _active_server(user, flavor)
    resp = _act(user, server_id, {'rescue': {'adminPass': 's3cret'}})
    assert resp.status_int == 200 and resp.json == {'adminPass': 's3cret'}
    rescued = user.wait_for_status(server_id, 'RESCUE')
    assert rescued['OS-EXT-STS:vm_state'] == 'rescued'
    assert "vm_state rescued" in _conflict(
        _act(user, server_id, {'rescue': None}))
    assert "vm_state rescued" in _conflict(
        _act(user, server_id, {'os-stop': None}))
    assert _act(user, server_id, {'unrescue': None}).status_int == 202
    user.wait_for_status(server_id, 'ACTIVE')
    generated = _act(user, server_id, {'rescue': None})
    assert generated.status_int == 200
    assert len(generated.json['adminPass']) == 12
    user.wait_for_status(server_id, 'RESCUE')


def test_rescue_with_an_unknown_image_is_a_404(user, flavor):
    server_id = _active_server(user, flavor)
    resp = _act(user, server_id, {'rescue': {
        'rescue_image_ref': str(uuid.uuid4())}})
    assert resp.status_int == 404, resp.text
    assert user.get('/servers/%s' % server_id).json['server'][
        'status'] == 'ACTIVE'
    bad = _act(user, server_id, {'rescue': {'rescue_image_ref': 'nope'}})
    assert bad.status_int == 400


# -- dispatch, lookup, policy -------------------------------------------------

def test_unknown_action_and_malformed_bodies_are_400(user, flavor):
    server_id = _active_server(user, flavor)
    resp = _act(user, server_id, {'teleport': None})
    assert resp.status_int == 400
    assert resp.json['badRequest']['message'] == \
        'There is no such action: teleport'
    assert _act(user, server_id, {'pause': None,
                                  'suspend': None}).status_int == 400
    assert _act(user, server_id, ['pause']).status_int == 400


def test_unknown_server_is_a_404(user):
    resp = _act(user, str(uuid.uuid4()), {'pause': None})
    assert resp.status_int == 404
    assert 'itemNotFound' in resp.json


def test_another_project_sees_404_and_a_reader_gets_403(admin, user,
                                                         flavor):
    server_id = _active_server(user, flavor)
    stranger = admin.as_user('other', uuid.uuid4().hex)
    assert _act(stranger, server_id, {'os-stop': None}).status_int == 404
    project = user.token.split(':')[1]
    req_headers = {'X-Roles': 'reader'}
    resp = _act(admin.as_user('reader', project), server_id,
                {'os-stop': None}, headers=req_headers)
    assert resp.status_int == 403, resp.text
    # The admin may act on any project's server.
    assert _act(admin, server_id, {'os-stop': None}).status_int == 202
    user.wait_for_status(server_id, 'SHUTOFF')


def test_only_one_of_two_racing_actions_passes(user, flavor):
    """Two requests that both read the server idle: the compare-and-set
    save lets the first through and gives the second its 409."""
    server_id = _active_server(user, flavor)
    ctx = nova_context.get_admin_context()
    mapping = objects.InstanceMapping.get_by_instance_uuid(ctx, server_id)
    with nova_context.target_cell(ctx, mapping.cell_mapping) as cctxt:
        first, second = (objects.Instance.get_by_uuid(cctxt, server_id)
                         for _ in range(2))
        states.begin(cctxt, first, 'pause')
        assert second.task_state is None    # stale, as a racing request's
        with pytest.raises(exception.InstanceInvalidState) as caught:
            states.begin(cctxt, second, 'suspend')
    assert "task_state pausing" in caught.value.format_message()
    assert [a for a, _ in _actions(server_id)] == ['create', 'pause']


def test_a_server_that_never_got_a_host_is_not_ready(admin, user):
    """ERROR in cell0 (no host could take it): a state stop and a hard
    reboot allow, but there is no host to act: 409, as in Nova."""
    huge = admin.create_flavor(name='huge-' + uuid.uuid4().hex[:6],
                               ram=10 ** 7)['id']
    server_id = user.create_server(huge)['id']
    user.wait_for_status(server_id, 'ERROR')
    for body in ({'os-stop': None}, {'reboot': {'type': 'HARD'}},
                 {'os-getConsoleOutput': {}}):
        message = _conflict(_act(user, server_id, body))
        assert message == 'Instance %s is not ready' % server_id
    assert "vm_state error" in _conflict(_act(user, server_id,
                                              {'pause': None}))
