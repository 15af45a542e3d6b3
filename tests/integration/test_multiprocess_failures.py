"""Failed builds, reschedules and server actions across processes.

nova-api, nova-conductor, nova-scheduler and three nova-compute (fake
driver) run as subprocesses over a fresh RabbitMQ vhost and fresh MariaDB
or PostgreSQL databases. Every spawn on compute1 fails
(``[fake_driver] fail_spawn_hosts``), so its builds go back to the
conductor, which moves the allocation to an alternate and casts the build
there.

What crosses the wire here and nowhere else in the integration tests: the
failure path of a build (an instance action event whose start time is a
datetime argument of a remotable method, then ``build_failed``) and the
events of stop, start and reboot. Over RabbitMQ a datetime argument arrives
as an ISO string; a conductor that cannot take one leaves the failed build
in BUILD forever and writes no action event, and this test fails. The
events are read as an admin sees them through os-instance-actions (2.62:
with their host and traceback).

compute1 gets the most RAM, so the RAM weigher (spreading by default)
ranks it first while its failures are unknown to the scheduler: the first
boot's first attempt lands there for certain. Once its resource tracker
reports the failure, the BuildFailure weigher sinks it.
"""
import datetime
import functools
import textwrap

import pytest

from nova.objects.fields import PowerState

from .conftest import (IMAGE_ID, ApiClient, check_rpc_handlers_clean,
                       free_port, wait_api_up, wait_for)
from .deployment import (boot_servers, create_flavor, delete_servers,
                         manage, post_server, providers, server_statuses,
                         start_deployment, wait_all_active,
                         wait_computes_ready, write_conf)

pytestmark = pytest.mark.integration

COMPUTE_HOSTS = ('compute1', 'compute2', 'compute3')
FAILING_HOST = 'compute1'
# The fake driver's default is 128 GiB; compute1 has twice that.
FAILING_HOST_RAM_MB = 256 * 1024
SINGLE_CREATES = 6
MULTI_CREATE = 3
# Beyond any host's RAM, whatever the allocation ratio.
HUGE_RAM_MB = 64 * 1024 * 1024
BUILD_TIMEOUT = 120
ACTION_TIMEOUT = 60
DELETE_TIMEOUT = 120
# Nova's name of a build's event (nova.objects.instance_action.Events).
BUILD_EVENT = 'compute__do_build_and_run_instance'
# Events with their host (2.62) and traceback (the admin's events rule).
EVENTS_VERSION = {'OpenStack-API-Version': 'compute 2.62'}


# ---------------------------------------------------------- deployment ----

def deploy(services, tmp_path, rabbit_vhost, databases):
    """The three computes, compute1 failing every spawn and with the most
    RAM, up and in placement (compute1 with its larger RAM); (api, conf,
    conductor)."""
    port = free_port()
    conf = write_conf(tmp_path / 'nova.conf', rabbit_vhost,
                      databases.url('api'), databases.url('cell1'), port,
                      tmp_path / 'state', extra=textwrap.dedent("""
                          [fake_driver]
                          fail_spawn_hosts = {host}
                          """).format(host=FAILING_HOST))
    conductor = start_deployment(
        services, conf, tmp_path, hosts=COMPUTE_HOSTS,
        host_conf={FAILING_HOST: '[fake_driver]\nmemory_mb = %d\n'
                   % FAILING_HOST_RAM_MB})
    api = ApiClient(port)
    wait_api_up(api, services)

    def failing_host_sized(rps):
        # compute1 must be seen with its larger RAM before the first boot.
        status, body = api.get('/placement/resource_providers/%s/inventories'
                               % rps[FAILING_HOST])
        return status == 200 and body['inventories'].get(
            'MEMORY_MB', {}).get('total') == FAILING_HOST_RAM_MB

    wait_computes_ready(api, services, conf, databases.url('api'),
                        hosts=COMPUTE_HOSTS, also=failing_host_sized)
    return api, conf, conductor


def usages(api, group, rp_uuid):
    status, body = api.get('/placement/resource_providers/%s/usages'
                           % rp_uuid)
    if status != 200:
        group.fail('GET usages of %s -> %s %s' % (rp_uuid, status, body))
    return body['usages']


def healthy(group):
    """The check of every wait once the deployment is up: no service
    died and no RPC handler raised (a failed cast leaves nothing to wait
    for, so say so at once rather than at a timeout)."""
    return functools.partial(check_rpc_handlers_clean, group)


def audit_orphans(group, conf):
    """nova-manage placement audit finds no orphaned allocation."""
    audit = manage(group, conf, 'placement', 'audit', '--verbose')
    assert 'Processed 0 orphaned consumer(s).' in audit, audit


# ---------------------------------------------------- instance actions ----

def api_get(api, group, path):
    status, body = api.get(path, headers=EVENTS_VERSION)
    if status != 200:
        group.fail('GET %s -> %s %s' % (path, status, body))
    return body


def action_events(api, group, instance_uuids, action):
    """The events of the given action on these instances, oldest first,
    as dicts: each event's fields with its action's instance_uuid, action
    and message (GET os-instance-actions, then each such action)."""
    found = []
    for uuid in instance_uuids:
        path = '/v2.1/servers/%s/os-instance-actions' % uuid
        for listed in api_get(api, group, path)['instanceActions']:
            if listed['action'] != action:
                continue
            shown = api_get(api, group, '%s/%s' % (
                path, listed['request_id']))['instanceAction']
            found.extend(
                dict(event, instance_uuid=shown['instance_uuid'],
                     action=shown['action'], message=shown['message'])
                for event in reversed(shown['events']))
    return found


def event_time(event, key):
    """One time of an event: naive ISO 8601, as the API shows it."""
    assert isinstance(event[key], str), event
    value = datetime.datetime.fromisoformat(event[key])
    assert value.tzinfo is None, event
    return value


def check_event_times(event):
    """The start time crossed the wire as a datetime and was stored as
    the naive UTC value next to the conductor's finish time."""
    start = event_time(event, 'start_time')
    finish = event_time(event, 'finish_time')
    # Some back ends drop the fraction of a second: allow one.
    assert datetime.timedelta(seconds=-1) <= finish - start \
        <= datetime.timedelta(seconds=60), event


# -------------------------------------------------------------- servers ----

def get_server(api, group, sid):
    status, body = api.get('/v2.1/servers/%s' % sid)
    if status != 200:
        group.fail('GET /servers/%s -> %s %s' % (sid, status, body))
    return body['server']


def act(api, group, sid, body, want_status, want_power):
    """POST one action and wait until it landed (task_state cleared)."""
    status, reply = api.post('/v2.1/servers/%s/action' % sid, body)
    if status != 202:
        group.fail('action %s on %s -> %s %s' % (body, sid, status, reply))

    def landed():
        server = get_server(api, group, sid)
        if server['status'] == 'ERROR':
            group.fail('%s put %s in ERROR: %s' % (body, sid,
                                                   server.get('fault')))
        return (server['status'] == want_status and
                server['OS-EXT-STS:task_state'] is None and server)

    server = wait_for(landed, ACTION_TIMEOUT, check=healthy(group),
                      on_timeout=lambda last: group.fail(
                          '%s on %s did not reach %s within %ss: %s' % (
                              body, sid, want_status, ACTION_TIMEOUT,
                              get_server(api, group, sid))))
    assert server['OS-EXT-STS:power_state'] == want_power, server
    return server


def wait_event(api, group, sid, action, event):
    """The compute's event of an action; the state is saved first, the
    event written after, so wait for it."""
    def written():
        return [e for e in action_events(api, group, [sid], action)
                if e['event'] == event]

    [row] = wait_for(written, 30, check=healthy(group),
                     on_timeout=lambda _: group.fail(
                         'no %s event of the %s action on %s: the compute '
                         'could not record it through the conductor'
                         % (event, action, sid)))
    return row


# ----------------------------------------------------------------- test ----

@pytest.mark.parametrize('databases', ['mysql', 'postgresql'],
                         indirect=True)
def test_failed_builds_reschedule_and_actions(rabbit_vhost, databases,
                                              services, tmp_path):
    databases.create('api', 'cell1', 'cell1_cell0')
    api, conf, conductor = deploy(services, tmp_path, rabbit_vhost,
                                  databases)
    rps = providers(api, services)
    flavor = create_flavor(api, services)

    # Builds: every one ends ACTIVE, none on compute1.
    ids = boot_servers(api, services, flavor, 'fail-it', SINGLE_CREATES,
                       MULTI_CREATE, check=healthy(services))
    servers = wait_all_active(
        api, services, ids, BUILD_TIMEOUT, check=healthy(services),
        hint='a failed build that never came back from the conductor '
             'stays in BUILD')
    hosts = {sid: servers[sid].get('OS-EXT-SRV-ATTR:host') for sid in ids}
    assert set(hosts.values()) <= set(COMPUTE_HOSTS) - {FAILING_HOST}, hosts

    # At least one first attempt failed on compute1 and was rescheduled:
    # its failure event crossed the wire (with its start time) and the
    # conductor moved the build on.
    created = action_events(api, services, ids, 'create')
    failed = [e for e in created
              if e['event'] == BUILD_EVENT and e['result'] == 'Error']
    assert failed, 'no build failed on %s: nothing was rescheduled: %s' % (
        FAILING_HOST, [(e['instance_uuid'], e['event'], e['result'],
                        e.get('host')) for e in created])
    for event in failed:
        assert event['host'] == FAILING_HOST, event
        assert event['message'] == 'Error', event
        assert 'told to fail builds on %s' % FAILING_HOST \
            in event['traceback'], event
        check_event_times(event)
        assert conductor.log_contains('Rescheduling %s from %s to ' % (
            event['instance_uuid'], FAILING_HOST)), event
    print('%d of %d builds rescheduled away from %s'
          % (len({e['instance_uuid'] for e in failed}), len(ids),
             FAILING_HOST))

    # Placement: nothing left on compute1, each server's allocation moved
    # (not copied) to the host that built it; no orphans.
    assert not any(usages(api, services, rps[FAILING_HOST]).values())
    vcpus = sum(usages(api, services, rps[h]).get('VCPU', 0)
                for h in COMPUTE_HOSTS)
    assert vcpus == len(ids), vcpus
    audit_orphans(services, conf)

    # Too big for every host: ERROR with a NoValidHost fault saying why.
    huge = api.post('/v2.1/flavors', {'flavor': {
        'name': 'it.huge', 'ram': HUGE_RAM_MB, 'vcpus': 1, 'disk': 1}})
    assert huge[0] == 200, huge
    too_big = post_server(api, services, {
        'name': 'too-big', 'imageRef': IMAGE_ID,
        'flavorRef': huge[1]['flavor']['id']})['server']['id']

    def errored():
        server = get_server(api, services, too_big)
        if server['status'] == 'ACTIVE':
            services.fail('server too big for every host is ACTIVE')
        return server['status'] == 'ERROR' and server

    server = wait_for(errored, 60, check=healthy(services),
                      on_timeout=lambda _: services.fail(
                          'too-big server not in ERROR within 60s: %s'
                          % get_server(api, services, too_big)))
    fault = server.get('fault') or {}
    assert 'No valid host was found' in fault.get('message', ''), server
    assert '%d GiB of RAM' % (HUGE_RAM_MB // 1024) in fault['message'], \
        server

    # Stop, start and reboot one server; each writes its event through
    # the conductor with a start time sent over RPC.
    sid = ids[0]
    act(api, services, sid, {'os-stop': None}, 'SHUTOFF',
        PowerState.SHUTDOWN)
    act(api, services, sid, {'os-start': None}, 'ACTIVE',
        PowerState.RUNNING)
    act(api, services, sid, {'reboot': {'type': 'SOFT'}}, 'ACTIVE',
        PowerState.RUNNING)
    for action in ('stop', 'start', 'reboot'):
        event = wait_event(api, services, sid, action,
                           'compute_%s_instance' % action)
        assert event['result'] == 'Success', event
        assert event['host'] == hosts[sid], event
        check_event_times(event)

    # Delete everything; all gone, placement empty, still no orphans.
    delete_servers(api, services, ids + [too_big], DELETE_TIMEOUT,
                   check=healthy(services))
    assert server_statuses(api, services) == {}

    def placement_empty():
        return not any(any(usages(api, services, rps[h]).values())
                       for h in COMPUTE_HOSTS)

    wait_for(placement_empty, 60, interval=1, check=healthy(services),
             on_timeout=lambda _: services.fail(
                 'allocations left after every delete: %s' % {
                     h: usages(api, services, rps[h])
                     for h in COMPUTE_HOSTS}))
    audit_orphans(services, conf)
    check_rpc_handlers_clean(services)
