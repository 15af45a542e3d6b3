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
in BUILD forever and writes no action event, and this test fails.

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
                       db_rows, free_port, wait_api_up, wait_for)
from .test_multiprocess import (create_flavor, mapped_hosts,
                                server_statuses, write_conf)

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
BUILD_EVENT = 'compute_build_and_run_instance'


# ---------------------------------------------------------- deployment ----

def write_failing_conf(path, *args):
    write_conf(path, *args)
    path.write_text(path.read_text() + textwrap.dedent("""
        [fake_driver]
        fail_spawn_hosts = {host}
        """).format(host=FAILING_HOST))
    return path


def write_compute_conf(path, host):
    text = '[DEFAULT]\nhost = %s\n' % host
    if host == FAILING_HOST:
        text += '\n[fake_driver]\nmemory_mb = %d\n' % FAILING_HOST_RAM_MB
    path.write_text(text)
    return path


def start_deployment(services, conf, tmp_path):
    """Schemas and cells, then conductor and scheduler, the three computes
    and nova-api (test_multiprocess.start_deployment with three hosts,
    compute1 configured apart)."""
    manage = ('nova-manage', '--config-file', str(conf))
    services.run(*manage, 'api_db', 'sync')
    services.run(*manage, 'cell_v2', 'map_cell0')
    services.run(*manage, 'cell_v2', 'create_cell', '--name', 'cell1')
    services.run(*manage, 'db', 'sync')

    common = ('--config-file', str(conf))
    conductor = services.start('nova-conductor', 'nova-conductor', *common)
    scheduler = services.start('nova-scheduler', 'nova-scheduler', *common)
    try:
        wait_for(lambda: conductor.log_contains('started') and
                 scheduler.log_contains('started'), 30,
                 check=services.check_alive)
    except TimeoutError:
        pass
    for host in COMPUTE_HOSTS:
        host_conf = write_compute_conf(tmp_path / ('%s.conf' % host), host)
        services.start(host, 'nova-compute', *common,
                       '--config-file', str(host_conf))
    services.start('nova-api', 'nova-api', *common)
    return conductor


def providers(api, group):
    """{provider name: uuid} from the placement API."""
    status, body = api.get('/placement/resource_providers')
    if status != 200:
        group.fail('GET /placement/resource_providers -> %s %s'
                   % (status, body))
    return {rp['name']: rp['uuid'] for rp in body['resource_providers']}


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


def wait_computes_ready(api, group, conf, api_db_url, timeout=120):
    def ready():
        group.run('nova-manage', '--config-file', str(conf), 'cell_v2',
                  'discover_hosts')
        if not set(COMPUTE_HOSTS) <= mapped_hosts(api_db_url):
            return False
        status, body = api.get('/v2.1/os-services?binary=nova-compute')
        if status != 200 or not set(COMPUTE_HOSTS) <= {
                s['host'] for s in body.get('services', [])
                if s.get('state') == 'up'}:
            return False
        rps = providers(api, group)
        if not set(COMPUTE_HOSTS) <= set(rps):
            return False
        # compute1 must be seen with its larger RAM before the first boot.
        status, body = api.get('/placement/resource_providers/%s/inventories'
                               % rps[FAILING_HOST])
        return status == 200 and body['inventories'].get(
            'MEMORY_MB', {}).get('total') == FAILING_HOST_RAM_MB

    wait_for(ready, timeout, interval=2, check=group.check_alive,
             on_timeout=lambda _: group.fail(
                 'computes %s not mapped/up/in placement within %ss'
                 % (', '.join(COMPUTE_HOSTS), timeout)))


# ------------------------------------------------------- cell database ----

def action_events(cell_db_url, instance_uuids, action):
    """The events of the given action on these instances, as dicts."""
    if not instance_uuids:
        return []
    marks = ', '.join(':u%d' % i for i in range(len(instance_uuids)))
    params = {'u%d' % i: u for i, u in enumerate(instance_uuids)}
    return db_rows(
        cell_db_url,
        'SELECT a.instance_uuid, a.action, a.message, e.event, e.result, '
        'e.host, e.start_time, e.finish_time, e.traceback '
        'FROM instance_actions a JOIN instance_actions_events e '
        'ON e.action_id = a.id '
        'WHERE a.action = :action AND a.instance_uuid IN (%s) '
        'ORDER BY e.id' % marks, action=action, **params)


def check_event_times(event):
    """The start time crossed the wire as a datetime and was stored as
    the naive UTC value next to the conductor's finish time."""
    start, finish = event['start_time'], event['finish_time']
    assert isinstance(start, datetime.datetime), event
    assert isinstance(finish, datetime.datetime), event
    # Some back ends drop the fraction of a second: allow one.
    assert datetime.timedelta(seconds=-1) <= finish - start \
        <= datetime.timedelta(seconds=60), event


# -------------------------------------------------------------- servers ----

def post_server(api, group, body):
    status, reply = api.post('/v2.1/servers', {'server': body})
    if status != 202:
        group.fail('POST /servers %s -> %s %s' % (body.get('name'), status,
                                                  reply))
    return reply


def boot_all(api, group, flavor):
    ids = []
    for i in range(SINGLE_CREATES):
        reply = post_server(api, group, {
            'name': 'fail-it-%d' % i, 'imageRef': IMAGE_ID,
            'flavorRef': flavor})
        ids.append(reply['server']['id'])
    reply = post_server(api, group, {
        'name': 'fail-it-multi', 'imageRef': IMAGE_ID, 'flavorRef': flavor,
        'min_count': MULTI_CREATE, 'max_count': MULTI_CREATE,
        'return_reservation_id': True})
    reservation = reply['reservation_id']

    def reserved():
        found = server_statuses(api, group, '?reservation_id=' + reservation)
        return list(found) if len(found) == MULTI_CREATE else None

    ids.extend(wait_for(reserved, 60, check=healthy(group),
                        on_timeout=lambda _: group.fail(
                            'reservation %s did not list %d servers'
                            % (reservation, MULTI_CREATE))))
    assert len(set(ids)) == SINGLE_CREATES + MULTI_CREATE
    return ids


def wait_all_active(api, group, ids):
    def all_active():
        servers = server_statuses(api, group)
        errored = {i: servers[i].get('fault') for i in ids
                   if i in servers and servers[i]['status'] == 'ERROR'}
        if errored:
            group.fail('servers went to ERROR: %s' % errored)
        return all(i in servers and servers[i]['status'] == 'ACTIVE'
                   for i in ids) and servers

    def late(_):
        servers = server_statuses(api, group)
        group.fail('not all servers ACTIVE within %ss (a failed build '
                   'that never came back from the conductor stays in '
                   'BUILD): %s' % (BUILD_TIMEOUT, {
                       i: (servers.get(i) or {}).get('status')
                       for i in ids}))

    return wait_for(all_active, BUILD_TIMEOUT, check=healthy(group),
                    on_timeout=late)


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


def wait_event(group, cell_db_url, sid, action, event):
    """The compute's event of an action; the state is saved first, the
    event written after, so wait for it."""
    def written():
        return [e for e in action_events(cell_db_url, [sid], action)
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
    port = free_port()
    cell_db = databases.url('cell1')
    conf = write_failing_conf(tmp_path / 'nova.conf', rabbit_vhost,
                              databases.url('api'), cell_db, port,
                              tmp_path / 'state')
    conductor = start_deployment(services, conf, tmp_path)
    api = ApiClient(port)
    wait_api_up(api, services)
    wait_computes_ready(api, services, conf, databases.url('api'))
    rps = providers(api, services)
    flavor = create_flavor(api, services)

    # Builds: every one ends ACTIVE, none on compute1.
    ids = boot_all(api, services, flavor)
    servers = wait_all_active(api, services, ids)
    hosts = {sid: servers[sid].get('OS-EXT-SRV-ATTR:host') for sid in ids}
    assert set(hosts.values()) <= set(COMPUTE_HOSTS) - {FAILING_HOST}, hosts

    # At least one first attempt failed on compute1 and was rescheduled:
    # its failure event crossed the wire (with its start time) and the
    # conductor moved the build on.
    failed = [e for e in action_events(cell_db, ids, 'create')
              if e['event'] == BUILD_EVENT and e['result'] == 'Error']
    assert failed, 'no build failed on %s: nothing was rescheduled' \
        % FAILING_HOST
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
    audit = services.run('nova-manage', '--config-file', str(conf),
                         'placement', 'audit', '--verbose')
    assert 'Processed 0 orphaned consumer(s).' in audit, audit

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
        event = wait_event(services, cell_db, sid, action,
                           'compute_%s_instance' % action)
        assert event['result'] == 'Success', event
        assert event['host'] == hosts[sid], event
        check_event_times(event)

    # Delete everything; all gone, placement empty, still no orphans.
    every = ids + [too_big]
    for server_id in every:
        status, body = api.delete('/v2.1/servers/%s' % server_id)
        assert status == 204, (server_id, status, body)

    def all_gone():
        return all(api.get('/v2.1/servers/%s' % s)[0] == 404 for s in every)

    wait_for(all_gone, DELETE_TIMEOUT, interval=1, check=healthy(services),
             on_timeout=lambda _: services.fail(
                 'servers still present %ss after DELETE: %s' % (
                     DELETE_TIMEOUT, [s for s in every if api.get(
                         '/v2.1/servers/%s' % s)[0] != 404])))
    assert server_statuses(api, services) == {}

    def placement_empty():
        return not any(any(usages(api, services, rps[h]).values())
                       for h in COMPUTE_HOSTS)

    wait_for(placement_empty, 60, interval=1, check=healthy(services),
             on_timeout=lambda _: services.fail(
                 'allocations left after every delete: %s' % {
                     h: usages(api, services, rps[h])
                     for h in COMPUTE_HOSTS}))
    audit = services.run('nova-manage', '--config-file', str(conf),
                         'placement', 'audit', '--verbose')
    assert 'Processed 0 orphaned consumer(s).' in audit, audit
    check_rpc_handlers_clean(services)
