"""A deployment of separate service processes, and the servers booted on it.

nova-conductor, nova-scheduler, one nova-compute (fake driver) per host and
nova-api, each a process of the installed console scripts, sharing one
config file that points them at the test's RabbitMQ vhost and databases.
Which hosts there are, and what each one's config file adds, are the
caller's: test_multiprocess runs two plain computes, test_multiprocess_failures
three with one of them configured apart.

The fixtures these take (``services``, ``databases``, ``rabbit_vhost``) are
in conftest.py.
"""
import os
import textwrap

import sqlalchemy as sa

from .conftest import IMAGE_ID, db_rows, wait_for

COMPUTE_HOSTS = ('compute1', 'compute2')
# NOVA_IT_DEBUG=1 turns on debug logging in the services (long logs).
DEBUG = 'true' if os.environ.get('NOVA_IT_DEBUG') else 'false'


# -------------------------------------------------------------- config ----

def write_conf(path, transport_url, api_db, cell_db, port, state_path,
               extra=''):
    """The config file every service reads; ``extra`` is appended (more
    sections, e.g. ``[fake_driver]``)."""
    path.write_text(textwrap.dedent("""\
        [DEFAULT]
        transport_url = {transport_url}
        compute_driver = fake
        state_path = {state_path}
        # Fast heartbeats so the services are seen up quickly.
        report_interval = 2
        debug = {debug}

        [api_database]
        connection = {api_db}

        [database]
        connection = {cell_db}

        [wsgi]
        listen = 127.0.0.1
        port = {port}

        [api]
        auth_strategy = noauth2
        """).format(debug=DEBUG, transport_url=transport_url,
                    state_path=state_path, api_db=api_db, cell_db=cell_db,
                    port=port) + extra)
    return path


def write_host_conf(path, host, extra=''):
    """The second config file of one compute: its host name, then
    ``extra``."""
    path.write_text('[DEFAULT]\nhost = %s\n' % host +
                    ('\n' + extra if extra else ''))
    return path


def manage(group, conf, *args):
    """nova-manage with the deployment's config; its output."""
    return group.run('nova-manage', '--config-file', str(conf), *args)


# ----------------------------------------------------------- processes ----

def start_deployment(services, conf, tmp_path, hosts=COMPUTE_HOSTS,
                     host_conf=None):
    """Create the schemas and cells, then start conductor, scheduler, one
    compute per host and nova-api, each a process of its own, sharing conf.

    ``host_conf`` maps a host to what its own config file adds. Returns the
    conductor (whose log says where builds were rescheduled).
    """
    manage(services, conf, 'api_db', 'sync')
    manage(services, conf, 'cell_v2', 'map_cell0')
    manage(services, conf, 'cell_v2', 'create_cell', '--name', 'cell1')
    manage(services, conf, 'db', 'sync')

    common = ('--config-file', str(conf))
    conductor = services.start('nova-conductor', 'nova-conductor', *common)
    scheduler = services.start('nova-scheduler', 'nova-scheduler', *common)
    # Computes call the conductor as they start; a call sent before the
    # conductor's queue exists is lost in RabbitMQ. Give the conductor and
    # scheduler a head start (soft: go on after 30 s regardless).
    try:
        wait_for(lambda: conductor.log_contains('started') and
                 scheduler.log_contains('started'), 30,
                 check=services.check_alive)
    except TimeoutError:
        pass
    for host in hosts:
        path = write_host_conf(tmp_path / ('%s.conf' % host), host,
                               (host_conf or {}).get(host, ''))
        services.start(host, 'nova-compute', *common,
                       '--config-file', str(path))
    services.start('nova-api', 'nova-api', *common)
    return conductor


def mapped_hosts(api_db_url):
    """Hosts in the API database's host_mappings (what discover_hosts made).

    Read straight from the database the test owns: it is the one signal that
    the scheduler can now send builds to those hosts.
    """
    try:
        return {row['host'] for row in db_rows(
            api_db_url, 'SELECT host FROM host_mappings')}
    except sa.exc.SQLAlchemyError:
        return set()


def providers(api, group):
    """{provider name: uuid} from the placement API."""
    status, body = api.get('/placement/resource_providers')
    if status != 200:
        group.fail('GET /placement/resource_providers -> %s %s'
                   % (status, body))
    return {rp['name']: rp['uuid'] for rp in body['resource_providers']}


def wait_computes_ready(api, group, conf, api_db_url, hosts=COMPUTE_HOSTS,
                        also=None, timeout=120):
    """Discover hosts until every one is mapped, up and a resource
    provider; ``also(providers)``, when given, must be true as well."""
    def ready():
        manage(group, conf, 'cell_v2', 'discover_hosts')
        if not set(hosts) <= mapped_hosts(api_db_url):
            return False
        status, body = api.get('/v2.1/os-services?binary=nova-compute')
        if status != 200 or not set(hosts) <= {
                s['host'] for s in body.get('services', [])
                if s.get('state') == 'up'}:
            return False
        rps = providers(api, group)
        return set(hosts) <= set(rps) and (also is None or also(rps))

    wait_for(ready, timeout, interval=2, check=group.check_alive,
             on_timeout=lambda _: group.fail(
                 'computes %s not mapped/up/in placement within %ss'
                 % (', '.join(hosts), timeout)))


# ------------------------------------------------------------- servers ----

def create_flavor(api, group, name='it.tiny'):
    status, body = api.post('/v2.1/flavors', {'flavor': {
        'name': name, 'ram': 128, 'vcpus': 1, 'disk': 1}})
    if status != 200:
        group.fail('flavor create -> %s %s' % (status, body))
    return body['flavor']['id']


def server_statuses(api, group, filters=''):
    """{id: server} of GET /servers/detail (with filters)."""
    status, body = api.get('/v2.1/servers/detail' + filters)
    if status != 200:
        group.fail('GET /servers/detail%s -> %s %s' % (filters, status, body))
    return {s['id']: s for s in body['servers']}


def post_server(api, group, body):
    status, reply = api.post('/v2.1/servers', {'server': body})
    if status != 202:
        group.fail('POST /servers %s -> %s %s' % (body.get('name'), status,
                                                  reply))
    return reply


def boot_servers(api, group, flavor, prefix, singles, multi, check=None):
    """``singles`` single creates (prefix-0, prefix-1, ...) and one
    multi-create of ``multi`` (prefix-multi); the ids of all of them, once
    the reservation lists its servers."""
    check = check or group.check_alive
    ids = [post_server(api, group, {
        'name': '%s-%d' % (prefix, i), 'imageRef': IMAGE_ID,
        'flavorRef': flavor})['server']['id'] for i in range(singles)]
    reply = post_server(api, group, {
        'name': '%s-multi' % prefix, 'imageRef': IMAGE_ID,
        'flavorRef': flavor, 'min_count': multi, 'max_count': multi,
        'return_reservation_id': True})
    if 'reservation_id' not in (reply or {}):
        group.fail('multi-create did not return a reservation_id: %s'
                   % reply)
    reservation = reply['reservation_id']

    def reserved():
        found = server_statuses(api, group, '?reservation_id=' + reservation)
        return list(found) if len(found) == multi else None

    ids.extend(wait_for(reserved, 60, check=check,
                        on_timeout=lambda _: group.fail(
                            'reservation %s did not list %d servers'
                            % (reservation, multi))))
    assert len(set(ids)) == singles + multi
    return ids


def wait_all_active(api, group, ids, timeout, check=None, hint=''):
    """{id: server} of every server once all of ``ids`` are ACTIVE; fails
    at once when one goes to ERROR. ``hint`` is added to the timeout's
    message."""
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
        group.fail('not all servers ACTIVE within %ss%s: %s' % (
            timeout, hint and ' (%s)' % hint,
            {i: (servers.get(i) or {}).get('status') for i in ids}))

    return wait_for(all_active, timeout, check=check or group.check_alive,
                    on_timeout=late)


def delete_servers(api, group, ids, timeout, check=None):
    """DELETE every server (each answered 204), then wait until each one
    is a 404."""
    for sid in ids:
        status, body = api.delete('/v2.1/servers/%s' % sid)
        assert status == 204, (sid, status, body)

    def present():
        return [sid for sid in ids
                if api.get('/v2.1/servers/%s' % sid)[0] != 404]

    wait_for(lambda: not present(), timeout, interval=1,
             check=check or group.check_alive,
             on_timeout=lambda _: group.fail(
                 'servers still present %ss after DELETE: %s'
                 % (timeout, present())))
