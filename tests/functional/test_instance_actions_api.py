"""GET /servers/{id}/os-instance-actions[/{request_id}] through the stack.

A server is created, stopped and started through the REST API; each of
those requests records an action under its request id, and the compute
records an event on it. What the compute API reference says the list and
show answer at each microversion (2.21 deleted servers, 2.51 events for
non-admins, 2.58 updated_at and paging, 2.62 host and hostId, 2.66
changes-before, 2.84 details), to whom (policy), and the 404s and 400s.
"""
import re
import time
import uuid

import pytest

from tests.functional import conftest
from tests.functional import statement_count

FAIL = 'doomed'   # the fake driver fails this server's pause
ACTION_KEYS = {'action', 'instance_uuid', 'request_id', 'user_id',
               'project_id', 'start_time', 'message'}
EVENT_KEYS = {'event', 'start_time', 'finish_time', 'result'}
TIME = re.compile(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$')
NOT_A_REQUEST = 'req-%s' % uuid.UUID(int=0)


@pytest.fixture(scope='module')
def stack(tmp_path_factory):
    stack = conftest.Stack(
        tmp_path_factory.mktemp('instance-actions'),
        **{'fake_driver.fail_actions': ['%s:pause' % FAIL]})
    yield stack
    stack.stop()


class Server:
    """A server of its own project, created, stopped and started; the
    request id of each of those requests."""

    def __init__(self, admin, flavor, name='vm'):
        self.project = uuid.uuid4().hex
        self.user = admin.as_user('demo', self.project)
        resp = self.user.post('/servers', {'server': {
            'name': name, 'flavorRef': flavor, 'imageRef': conftest.IMAGE_ID}})
        assert resp.status_int == 202, resp.text
        self.id = resp.json['server']['id']
        self.requests = {'create': resp.headers['x-openstack-request-id']}
        self.user.wait_for_status(self.id, 'ACTIVE')

    def act(self, name, body, status):
        resp = self.user.post('/servers/%s/action' % self.id, body)
        assert resp.status_int == 202, resp.text
        self.requests[name] = resp.headers['x-openstack-request-id']
        self.user.wait_for_status(self.id, status)
        return self.requests[name]

    def path(self, request_id=None):
        path = '/servers/%s/os-instance-actions' % self.id
        return path + '/' + request_id if request_id else path


def _stopped_and_started(admin, flavor):
    server = Server(admin, flavor)
    server.act('stop', {'os-stop': None}, 'SHUTOFF')
    server.act('start', {'os-start': None}, 'ACTIVE')
    _wait_for_events(admin, server, 'start')
    return server


@pytest.fixture(scope='module')
def server(admin, flavor):
    return _stopped_and_started(admin, flavor)


def _wait_for_events(admin, server, name, timeout=10):
    """The events of an action, once the compute has recorded one."""
    path = server.path(server.requests[name])
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        events = admin.get(path).json['instanceAction']['events']
        if events:
            return events
        time.sleep(0.05)
    raise AssertionError('no event on %s of %s' % (name, server.id))


def _list(client, server, microversion=None, query='', status=200):
    resp = client.get(server.path() + query, microversion=microversion)
    assert resp.status_int == status, resp.text
    return resp.json


def _show(client, server, name, microversion=None):
    resp = client.get(server.path(server.requests[name]),
                      microversion=microversion)
    assert resp.status_int == 200, resp.text
    return resp.json['instanceAction']


def _request_ids(body):
    return [a['request_id'] for a in body['instanceActions']]


def _bad_request(resp):
    assert resp.status_int == 400, resp.text
    return resp.json['badRequest']['message']


def _not_found(resp):
    assert resp.status_int == 404, resp.text
    assert resp.json['itemNotFound']['code'] == 404
    return resp.json['itemNotFound']['message']


# -- list ---------------------------------------------------------------------

def test_list_is_newest_first_with_the_request_ids(server):
    body = _list(server.user, server)
    assert set(body) == {'instanceActions'}
    actions = body['instanceActions']
    assert [a['action'] for a in actions] == ['start', 'stop', 'create']
    assert _request_ids(body) == [server.requests[n]
                                  for n in ('start', 'stop', 'create')]
    for action in actions:
        assert set(action) == ACTION_KEYS
        assert action['instance_uuid'] == server.id
        assert action['project_id'] == server.project
        assert action['user_id'] == 'demo'
        assert action['message'] is None
        assert TIME.match(action['start_time']), action['start_time']
    assert actions[0]['start_time'] >= actions[1]['start_time'] >= \
        actions[2]['start_time']


def test_updated_at_from_2_58(server):
    actions = _list(server.user, server, '2.58')['instanceActions']
    assert 'links' not in _list(server.user, server, '2.58')
    for action in actions:
        assert set(action) == ACTION_KEYS | {'updated_at'}
        assert TIME.match(action['updated_at'])
        assert action['updated_at'] >= action['start_time']


def test_the_list_ignores_paging_before_2_58(server):
    body = _list(server.user, server, '2.57', '?limit=1&whatever=1')
    assert len(body['instanceActions']) == 3 and 'links' not in body


# -- paging (2.58, 2.66) ------------------------------------------------------

def test_limit_and_marker(server):
    first = _list(server.user, server, '2.58', '?limit=2')
    assert _request_ids(first) == [server.requests['start'],
                                   server.requests['stop']]
    [link] = first['links']
    assert link['rel'] == 'next'
    assert link['href'].startswith('http://localhost/v2.1/servers/%s/'
                                   'os-instance-actions?' % server.id)
    assert 'limit=2' in link['href']
    assert 'marker=%s' % server.requests['stop'] in link['href']
    second = _list(server.user, server, '2.58',
                   '?limit=2&marker=%s' % server.requests['stop'])
    assert _request_ids(second) == [server.requests['create']]
    assert 'links' not in second
    after_last = _list(server.user, server, '2.58',
                       '?marker=%s' % server.requests['create'])
    assert after_last == {'instanceActions': []}
    assert _list(server.user, server, '2.58', '?limit=0') == {
        'instanceActions': []}


def test_a_marker_that_is_no_action_of_the_server_is_a_400(admin, flavor,
                                                          server):
    resp = server.user.get(server.path() + '?marker=' + NOT_A_REQUEST,
                           microversion='2.58')
    assert _bad_request(resp) == ('Marker %s could not be found.'
                                  % NOT_A_REQUEST)
    other = Server(admin, flavor)   # a request id of another server
    resp = admin.get(server.path() + '?marker=' + other.requests['create'],
                     microversion='2.58')
    _bad_request(resp)


def test_changes_since_and_before(server):
    actions = _list(server.user, server, '2.66')['instanceActions']
    newest, oldest = actions[0]['updated_at'], actions[-1]['updated_at']
    since = _list(server.user, server, '2.58',
                  '?changes-since=%sZ' % newest)
    assert _request_ids(since) == [server.requests['start']]
    everything = _list(server.user, server, '2.58',
                       '?changes-since=%sZ' % oldest)
    assert len(everything['instanceActions']) == 3
    before = _list(server.user, server, '2.66',
                   '?changes-before=%sZ' % oldest)
    assert _request_ids(before) == [server.requests['create']]
    both = _list(server.user, server, '2.66',
                 '?changes-since=%sZ&changes-before=%sZ' % (newest, newest))
    assert _request_ids(both) == [server.requests['start']]
    future = _list(server.user, server, '2.58',
                   '?changes-since=2999-01-01T00:00:00Z')
    assert future == {'instanceActions': []}


def test_a_marker_pages_within_the_filtered_actions(server):
    oldest = _list(server.user, server, '2.58')['instanceActions'][-1]
    body = _list(server.user, server, '2.58', '?changes-since=%sZ&marker=%s'
                 % (oldest['updated_at'], server.requests['start']))
    assert _request_ids(body) == [server.requests['stop'],
                                  server.requests['create']]


@pytest.mark.parametrize('microversion,query', [
    ('2.58', '?limit=-1'),
    ('2.58', '?limit=abc'),
    ('2.58', '?limit=1&limit=2'),
    ('2.58', '?changes-since=yesterday'),
    ('2.58', '?changes-before=2020-01-01T00:00:00Z'),   # 2.66 on
    ('2.58', '?sort_key=action'),
    ('2.66', '?changes-before=never'),
    ('2.66', '?changes-since=2020-01-02T00:00:00Z'
             '&changes-before=2020-01-01T00:00:00Z'),
])
def test_bad_queries_are_400s(server, microversion, query):
    resp = server.user.get(server.path() + query, microversion=microversion)
    _bad_request(resp)


# -- show ---------------------------------------------------------------------

def test_show_for_an_admin_has_events_with_traceback(admin, server):
    action = _show(admin, server, 'stop')
    assert set(action) == ACTION_KEYS | {'events'}
    assert action['action'] == 'stop'
    assert action['request_id'] == server.requests['stop']
    [event] = action['events']
    assert set(event) == EVENT_KEYS | {'traceback'}
    assert event['event'] == 'compute_stop_instance'
    assert event['result'] == 'Success' and event['traceback'] is None
    assert TIME.match(event['start_time']) and TIME.match(
        event['finish_time'])
    assert event['start_time'] <= event['finish_time']


def test_events_for_a_reader_from_2_51(server):
    assert 'events' not in _show(server.user, server, 'stop', '2.50')
    [event] = _show(server.user, server, 'stop', '2.51')['events']
    assert set(event) == EVENT_KEYS
    assert event['event'] == 'compute_stop_instance'
    reader = server.user.as_user('watcher', server.project)
    resp = reader.get(server.path(server.requests['stop']),
                      headers={'X-Roles': 'reader'}, microversion='2.51')
    assert resp.status_int == 200
    assert len(resp.json['instanceAction']['events']) == 1


def test_host_and_host_id_from_2_62(admin, server):
    host = admin.get('/servers/%s' % server.id, microversion='2.62').json[
        'server']
    as_admin = _show(admin, server, 'start', '2.62')['events'][0]
    assert set(as_admin) == EVENT_KEYS | {'traceback', 'host', 'hostId'}
    assert as_admin['host'] == host['OS-EXT-SRV-ATTR:host']
    assert as_admin['hostId'] == host['hostId'] != ''
    as_owner = _show(server.user, server, 'start', '2.62')['events'][0]
    assert set(as_owner) == EVENT_KEYS | {'hostId'}
    assert as_owner['hostId'] == host['hostId']
    assert 'host' not in _show(admin, server, 'start', '2.61')['events'][0]


def test_details_from_2_84_for_admins(admin, server):
    as_admin = _show(admin, server, 'start', '2.84')
    assert set(as_admin) == ACTION_KEYS | {'updated_at', 'events'}
    [event] = as_admin['events']
    assert 'details' in event and event['details'] is None
    assert 'details' not in _show(admin, server, 'start', '2.83')['events'][0]
    assert 'details' not in _show(server.user, server, 'start', '2.84')[
        'events'][0]


def test_a_failed_action_shows_its_error(admin, flavor):
    server = Server(admin, flavor, name=FAIL)
    server.act('pause', {'pause': None}, 'ACTIVE')
    events = _wait_for_events(admin, server, 'pause')
    [event] = events
    assert event['event'] == 'compute_pause_instance'
    assert event['result'] == 'Error'
    assert 'Traceback' in event['traceback']
    details = _show(admin, server, 'pause', '2.84')['events'][0]['details']
    assert details and 'Traceback' not in details
    action = _show(server.user, server, 'pause', '2.51')
    assert action['message'] == 'Error'
    assert 'traceback' not in action['events'][0]
    listed = _list(server.user, server)['instanceActions']
    assert [(a['action'], a['message']) for a in listed] == [
        ('pause', 'Error'), ('create', None)]


# -- deleted servers (2.21) ---------------------------------------------------

def test_actions_of_a_deleted_server_from_2_21(admin, flavor):
    server = Server(admin, flavor)
    assert server.user.delete('/servers/%s' % server.id).status_int == 204
    server.user.wait_for_gone(server.id)
    _not_found(server.user.get(server.path(), microversion='2.20'))
    _not_found(server.user.get(server.path(server.requests['create']),
                               microversion='2.20'))
    body = _list(server.user, server, '2.21')
    assert server.requests['create'] in _request_ids(body)
    assert _show(server.user, server, 'create', '2.21')['action'] == 'create'
    assert _request_ids(_list(admin, server, '2.21')) == _request_ids(body)


# -- who may see them ---------------------------------------------------------

def test_another_projects_server_is_a_404(admin, server):
    stranger = admin.as_user('demo', uuid.uuid4().hex)
    message = _not_found(stranger.get(server.path()))
    assert message == 'Instance %s could not be found.' % server.id
    _not_found(stranger.get(server.path(server.requests['stop'])))
    _not_found(stranger.get(server.path(), microversion='2.21'))
    assert len(_list(admin, server)['instanceActions']) == 3


def test_a_policy_can_refuse_the_list(server):
    nobody = server.user.as_user('nobody', server.project)
    resp = nobody.get(server.path(), headers={'X-Roles': 'guest'})
    assert resp.status_int == 403, resp.text


# -- not found ----------------------------------------------------------------

def test_unknown_server_and_request_are_404s(server):
    for server_id in (str(uuid.uuid4()), 'not-a-uuid'):
        resp = server.user.get('/servers/%s/os-instance-actions' % server_id)
        assert _not_found(resp) == ('Instance %s could not be found.'
                                    % server_id)
        _not_found(server.user.get('/servers/%s/os-instance-actions/%s'
                                   % (server_id, NOT_A_REQUEST)))
    message = _not_found(server.user.get(server.path(NOT_A_REQUEST)))
    assert NOT_A_REQUEST in message


def test_only_get_is_served(server):
    resp = server.user.post(server.path(), {})
    assert resp.status_int == 405
    assert resp.headers['Allow'] == 'GET'


def test_urls_with_the_project_id(server):
    path = '/%s%s' % (server.project, server.path())
    body = server.user.get(path + '?limit=1', microversion='2.58').json
    assert len(body['instanceActions']) == 1
    assert body['links'][0]['href'].startswith(
        'http://localhost/v2.1/%s/servers/' % server.project)


# -- round trips --------------------------------------------------------------

def _queries(client, path, microversion):
    client.get(path, microversion=microversion)   # caches warm
    with statement_count.StatementCount(selects_only=True) as queries:
        assert client.get(path, microversion=microversion).status_int == 200
    return queries.count


def test_reads_do_not_grow_with_actions(admin, flavor, server):
    few = Server(admin, flavor)   # one action to the server's three
    for as_admin, microversion in ((True, '2.1'), (False, '2.100')):
        # (list, show) of each server
        many, one = [
            (_queries(admin if as_admin else s.user, s.path(), microversion),
             _queries(admin if as_admin else s.user,
                      s.path(s.requests['create']), microversion))
            for s in (server, few)]
        # The server's mapping and row, then one query of actions; a show
        # reads the action with its events in one.
        assert many == one == (3, 3)
    paged = _queries(server.user, server.path() + '?limit=1&marker=%s'
                     % server.requests['start'], '2.58')
    assert paged == 3
