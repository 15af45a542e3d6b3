#!/usr/bin/env python3
"""Round trips and CPU of one API request, per kind of request.

Runs the whole stack in this process (conductor, scheduler, three fake
computes over fake://) against SQLite, or throw-away MariaDB or PostgreSQL
databases, and drives the WSGI app from the main thread: N server creates
(waiting for ACTIVE), detailed lists, N deletes. For each kind of request
it prints the median time, and what the API thread alone did per request
(its CPU time, which other threads' work does not inflate):
SQL statements by verb, transactions, RPC casts and calls. With --profile,
the API thread's cProfile for each kind of request. Figures only.

    tools/bench/request_profile.py --db mysql -n 100 --profile 25
"""
import argparse
import collections
import cProfile
import io
import json
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid

import oslo_messaging
import sqlalchemy as sa
import webob

from nova.api import app as api_app
from nova.cmd import common
from nova import conf as nova_conf
from nova.db import engines
from nova import embedded
from nova import objects
from nova import rpc

IMAGE_ID = '70a599e0-31e7-49b7-b260-868f441e862b'


class Counter:
    """SQL statements, transactions and RPC messages of one thread."""

    def __init__(self, thread_id):
        self.thread_id = thread_id
        self.counts = collections.Counter()

    def mine(self):
        return threading.get_ident() == self.thread_id

    def on_statement(self, conn, cursor, statement, *args):
        if self.mine():
            verb = statement.lstrip().split(None, 1)[0].upper()
            self.counts['sql ' + verb] += 1

    def on_event(self, name):
        def listener(*args, **kwargs):
            if self.mine():
                self.counts[name] += 1
        return listener

    def install(self):
        sa.event.listen(sa.engine.Engine, 'before_cursor_execute',
                        self.on_statement)
        sa.event.listen(sa.pool.Pool, 'checkout',
                        self.on_event('pool checkout'))
        for name in ('commit', 'rollback'):
            self._wrap_dialect(name)
        for kind in ('cast', 'call'):
            self._wrap_rpc(kind)

    def _wrap_dialect(self, name):
        # COMMIT and ROLLBACK go through the dialect, not the statement
        # events: count them where they reach the driver.
        cls = sa.engine.default.DefaultDialect
        original = getattr(cls, 'do_' + name)
        counter = self

        def counted(self_, dbapi_connection):
            if counter.mine():
                counter.counts['sql ' + name.upper()] += 1
            return original(self_, dbapi_connection)
        setattr(cls, 'do_' + name, counted)
        if name == 'rollback':
            # The pool's reset-on-return rolls back on the driver itself.
            sa.event.listen(sa.pool.Pool, 'reset', self._on_reset)

    def _on_reset(self, dbapi_connection, record, state):
        if self.mine() and not state.transaction_was_reset and (
                record is None or record.info.get(
                    engines._OPEN, True)):
            self.counts['sql ROLLBACK (pool reset)'] += 1

    def _wrap_rpc(self, kind):
        cls = oslo_messaging.rpc.client._BaseCallContext
        original = getattr(cls, kind)
        counter = self

        def counted(self_, ctxt, method, **kwargs):
            if counter.mine():
                counter.counts['rpc %s %s' % (kind, method)] += 1
            return original(self_, ctxt, method, **kwargs)
        setattr(cls, kind, counted)

    def take(self):
        counts, self.counts = self.counts, collections.Counter()
        return counts


def database_urls(kind, name):
    if kind == 'mysql':
        base = 'mysql+pymysql://root@127.0.0.1/%s?charset=utf8mb4'
    elif kind == 'postgresql':
        base = 'postgresql+psycopg://postgres@127.0.0.1/%s'
    else:
        return None
    return base % (name + '_api'), base % (name + '_cell1'), \
        base % (name + '_cell1_cell0')


def admin_sql(kind, statement):
    if kind == 'mysql':
        cmd = ['mysql', '-uroot', '-h127.0.0.1', '-e', statement]
    else:
        cmd = ['psql', '-h', '127.0.0.1', '-U', 'postgres', '-d', 'postgres',
               '-q', '-c', statement]
    subprocess.run(cmd, check=True)


def create_databases(kind, name):
    for suffix in ('_api', '_cell1', '_cell1_cell0'):
        admin_sql(kind, 'CREATE DATABASE %s%s' % (name, suffix))


def drop_databases(kind, name):
    for suffix in ('_api', '_cell1', '_cell1_cell0'):
        admin_sql(kind, 'DROP DATABASE IF EXISTS %s%s%s' % (
            name, suffix, '' if kind == 'mysql' else ' WITH (FORCE)'))


class Client:
    def __init__(self, app):
        self.app = app

    def request(self, method, path, body=None):
        req = webob.Request.blank('/v2.1' + path, method=method)
        req.headers['X-Auth-Token'] = 'admin:admin'
        req.headers['Accept'] = 'application/json'
        if body is not None:
            req.body = json.dumps(body).encode()
            req.content_type = 'application/json'
        start = time.perf_counter()
        resp = req.get_response(self.app)
        took = time.perf_counter() - start
        if resp.status_int >= 400:
            raise SystemExit('%s %s -> %s' % (method, path, resp.text))
        return resp, took


class Phase:
    """Times, counts and an optional profile of one kind of request."""

    def __init__(self, name, counter, profile):
        self.name = name
        self.counter = counter
        self.profiler = cProfile.Profile() if profile else None
        self.times = []
        self.cpu = []
        self.counts = collections.Counter()

    def run(self, client, method, path, body=None):
        self.counter.take()
        if self.profiler:
            self.profiler.enable()
        cpu = time.thread_time()
        resp, took = client.request(method, path, body)
        self.cpu.append(time.thread_time() - cpu)
        if self.profiler:
            self.profiler.disable()
        self.times.append(took)
        self.counts.update(self.counter.take())
        return resp

    def report(self, top, sort='cumulative'):
        n = len(self.times)
        print('\n%s: %d requests, median %.2f ms, p95 %.2f ms, '
              'API thread CPU median %.2f ms' % (
                  self.name, n, statistics.median(self.times) * 1e3,
                  sorted(self.times)[int(0.95 * (n - 1))] * 1e3,
                  statistics.median(self.cpu) * 1e3))
        for key in sorted(self.counts):
            print('  %-40s %6.2f per request' % (key, self.counts[key] / n))
        if self.profiler and top:
            out = io.StringIO()
            stats = pstats.Stats(self.profiler, stream=out)
            stats.sort_stats(sort).print_stats(top)
            for pattern in filter(None, os.environ.get(
                    'PROFILE_CALLERS', '').split(',')):
                stats.print_callers(pattern)
            print(out.getvalue())


def wait_for(client, ids, status, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        resp, _ = client.request('GET', '/servers/detail?all_tenants=1')
        seen = {s['id']: s['status'] for s in resp.json['servers']}
        if status == 'GONE' and not ids & set(seen):
            return
        if status != 'GONE' and all(seen.get(i) == status for i in ids):
            return
        time.sleep(0.05)
    raise SystemExit('timed out waiting for %s' % status)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--db', choices=('sqlite', 'mysql', 'postgresql'),
                   default='sqlite')
    p.add_argument('-n', type=int, default=50)
    p.add_argument('--list-calls', type=int, default=20)
    p.add_argument('--profile', type=int, default=0, metavar='TOP',
                   help='print the TOP functions of a cProfile per phase')
    p.add_argument('--sort', default='cumulative',
                   help='cProfile sort key (cumulative, tottime, ...)')
    args = p.parse_args(argv)

    name = 'nova_reqprof_%d' % int(time.time())
    state = tempfile.mkdtemp(prefix='nova-reqprof.')
    overrides = dict(embedded.EMBEDDED_DEFAULTS, state_path=state,
                     transport_url='fake://%s/' % uuid.uuid4().hex)
    urls = database_urls(args.db, name)
    if urls:
        create_databases(args.db, name)
        overrides.update({'api_database.connection': urls[0],
                          'database.connection': urls[1]})
    objects.register_all()
    conf = nova_conf.build_conf(overrides=overrides)
    stack = None
    try:
        stack = embedded.start(conf, computes=('compute1', 'compute2',
                                               'compute3'), api=False)
        app = api_app.loadapp(conf)
        common.tune_gc()
        client = Client(app)
        counter = Counter(threading.get_ident())
        counter.install()
        resp, _ = client.request('POST', '/flavors', {'flavor': {
            'name': 'prof.tiny', 'ram': 64, 'vcpus': 1, 'disk': 1}})
        flavor = resp.json['flavor']['id']
        body = {'server': {'name': 'prof', 'imageRef': IMAGE_ID,
                           'flavorRef': flavor}}
        create = Phase('POST /servers', counter, args.profile)
        ids = {create.run(client, 'POST', '/servers', body).json[
            'server']['id'] for _ in range(args.n)}
        wait_for(client, ids, 'ACTIVE')
        listing = Phase('GET /servers/detail', counter, args.profile)
        for _ in range(args.list_calls):
            listing.run(client, 'GET', '/servers/detail')
        # The floor every request pays (auth, routing, microversion, JSON)
        # without touching a database.
        version = Phase('GET /v2.1/ (no SQL)', counter, args.profile)
        for _ in range(args.n):
            version.run(client, 'GET', '/')
        show = Phase('GET /servers/{id}', counter, args.profile)
        for server_id in ids:
            show.run(client, 'GET', '/servers/%s' % server_id)
        delete = Phase('DELETE /servers/{id}', counter, args.profile)
        for server_id in ids:
            delete.run(client, 'DELETE', '/servers/%s' % server_id)
        wait_for(client, ids, 'GONE')
        print('database: %s; %d servers' % (args.db, args.n))
        for phase in (create, listing, version, show, delete):
            phase.report(args.profile, args.sort)
    finally:
        if stack is not None:
            stack.stop()
        rpc.cleanup()
        engines.dispose_all()
        if urls:
            drop_databases(args.db, name)
    return 0


if __name__ == '__main__':
    sys.exit(main())
