#!/usr/bin/env python
"""GET /allocation_candidates latency with many fake compute providers.

Creates a throw-away API database (a SQLite file, or a database of its
own on MariaDB/PostgreSQL that is dropped at the end), bulk-inserts N
compute providers with VCPU, MEMORY_MB and DISK_GB inventories, a few
traits, aggregates and some allocations, then times:

* ``inprocess``: ``nova.placement.candidates.get()``, what the scheduler
  calls, with ``limit`` = ``[scheduler] max_placement_results``;
* ``http``: ``GET /allocation_candidates`` through the placement WSGI app
  served by cheroot on 127.0.0.1, over one kept-alive connection.

It prints the median and p95 of each and asserts nothing. See
tools/bench/README.rst.
"""
import argparse
import cProfile
import http.client
import json
import os
import pstats
import random
import statistics
import sys
import tempfile
import time
import uuid

import os_resource_classes as orc
import sqlalchemy as sa

from nova.db.api import models
from nova.db import engines
from nova.placement import candidates
from nova.placement.store import tables as t
from nova import context as nova_context

ADMIN_URLS = {
    'mysql': os.environ.get('NOVA_TEST_MYSQL_URL',
                            'mysql+pymysql://root@127.0.0.1:3306/'),
    'postgresql': os.environ.get('NOVA_TEST_POSTGRESQL_URL',
                                 'postgresql+psycopg://postgres@127.0.0.1'
                                 ':5432/'),
}
QUERY = ('resources=VCPU:1,MEMORY_MB:512,DISK_GB:1'
         '&required=!COMPUTE_STATUS_DISABLED')
TRAITS = ('HW_CPU_X86_AVX', 'HW_CPU_X86_AVX2', 'HW_CPU_X86_SSE42',
          'COMPUTE_STATUS_DISABLED')
AGGREGATES = 10


class ThrowAwayDatabase:
    """A new empty database; drop() removes it (and the SQLite file)."""

    def __init__(self, backend):
        self.backend = backend
        self.name = 'nova_bench_' + uuid.uuid4().hex[:10]
        if backend == 'sqlite':
            self._dir = tempfile.mkdtemp(prefix='placement-bench.')
            self.url = 'sqlite:///%s/%s.sqlite' % (self._dir, self.name)
            return
        admin = sa.engine.make_url(ADMIN_URLS[backend])
        with self._admin().connect() as conn:
            charset = ' CHARACTER SET utf8mb4' if backend == 'mysql' else ''
            conn.execute(sa.text('CREATE DATABASE %s%s' % (self.name,
                                                           charset)))
        url = admin.set(database=self.name)
        if backend == 'mysql':
            url = url.update_query_dict({'charset': 'utf8mb4'})
        self.url = url.render_as_string(hide_password=False)

    def _admin(self):
        url = sa.engine.make_url(ADMIN_URLS[self.backend])
        if self.backend == 'postgresql':
            url = url.set(database='postgres')
        return sa.create_engine(url, isolation_level='AUTOCOMMIT',
                                poolclass=sa.pool.NullPool)

    def drop(self):
        engines.get_engine(self.url).dispose()
        if self.backend == 'sqlite':
            for name in os.listdir(self._dir):
                os.unlink(os.path.join(self._dir, name))
            os.rmdir(self._dir)
            return
        force = ' WITH (FORCE)' if self.backend == 'postgresql' else ''
        with self._admin().connect() as conn:
            conn.execute(sa.text('DROP DATABASE IF EXISTS %s%s' % (
                self.name, force)))


class Rows:
    """The rows of the fake cloud, table by table, for bulk inserts."""

    def __init__(self, seed, trait_ids, numa):
        self.rng = random.Random(seed)
        self.trait_ids = trait_ids
        self.numa = numa
        self.tables = {table: [] for table in (
            t.PROVIDERS, t.INVENTORIES, t.PROVIDER_TRAITS,
            t.PROVIDER_AGGREGATES, t.ALLOCATIONS)}
        self.rc = {n: orc.STANDARDS.index(n)
                   for n in ('VCPU', 'MEMORY_MB', 'DISK_GB')}

    def _provider(self, pid, name, root, parent=None):
        self.tables[t.PROVIDERS].append({
            'id': pid, 'uuid': str(uuid.uuid4()), 'name': name,
            'generation': 1, 'root_provider_id': root,
            'parent_provider_id': parent})

    def _inventory(self, pid, rc, total, ratio=1.0, reserved=0):
        self.tables[t.INVENTORIES].append({
            'resource_provider_id': pid, 'resource_class_id': self.rc[rc],
            'total': total, 'reserved': reserved, 'min_unit': 1,
            'max_unit': total, 'step_size': 1, 'allocation_ratio': ratio})

    def compute(self, pid, count):
        """Compute node pid; with numa, VCPU on two NUMA children (ids
        after the count compute nodes)."""
        self._provider(pid, 'compute%05d' % pid, pid)
        cpu_providers = [pid]
        if self.numa:
            cpu_providers = [count + 2 * pid - 1, count + 2 * pid]
            for index, child in enumerate(cpu_providers):
                self._provider(child, 'compute%05d-numa%d' % (pid, index),
                               pid, parent=pid)
        for child in cpu_providers:
            self._inventory(child, 'VCPU', 32 // len(cpu_providers), 4.0)
        self._inventory(pid, 'MEMORY_MB', 131072, reserved=512)
        self._inventory(pid, 'DISK_GB', 2000)
        chosen = [tid for tid in self.trait_ids[:3]
                  if self.rng.random() < 0.5]
        if self.rng.random() < 0.02:
            chosen.append(self.trait_ids[3])
        self.tables[t.PROVIDER_TRAITS] += [
            {'resource_provider_id': pid, 'trait_id': tid} for tid in chosen]
        self.tables[t.PROVIDER_AGGREGATES].append(
            {'resource_provider_id': pid,
             'aggregate_id': pid % AGGREGATES + 1})
        for _ in range(self.rng.randint(0, 4)):
            consumer = str(uuid.uuid4())
            for rp, rc, used in ((cpu_providers[0], 'VCPU', 2),
                                 (pid, 'MEMORY_MB', 4096),
                                 (pid, 'DISK_GB', 20)):
                self.tables[t.ALLOCATIONS].append({
                    'resource_provider_id': rp, 'consumer_id': consumer,
                    'resource_class_id': self.rc[rc], 'used': used})


def populate(url, count, seed=42, numa=False):
    """Bulk-insert count compute providers and their data; returns the
    number of allocation rows."""
    engine = engines.get_engine(url)
    models.BASE.metadata.create_all(engine)
    with engine.begin() as conn:
        trait_ids = [conn.execute(t.TRAITS.insert().values(name=name))
                     .inserted_primary_key[0] for name in TRAITS]
        conn.execute(t.AGGREGATES.insert(), [
            {'id': i + 1, 'uuid': str(uuid.uuid4())}
            for i in range(AGGREGATES)])
        rows = Rows(seed, trait_ids, numa)
        for pid in range(1, count + 1):
            rows.compute(pid, count)
        for table, table_rows in rows.tables.items():
            for start in range(0, len(table_rows), 5000):
                conn.execute(table.insert(), table_rows[start:start + 5000])
    analyze(engine)
    return len(rows.tables[t.ALLOCATIONS])


def analyze(engine):
    """Table statistics, as a running database has them (autovacuum,
    InnoDB's persistent statistics); a freshly bulk-loaded one has none
    and its planner guesses."""
    tables = [table.name for table in (
        t.PROVIDERS, t.INVENTORIES, t.ALLOCATIONS, t.TRAITS,
        t.PROVIDER_TRAITS, t.PROVIDER_AGGREGATES)]
    with engine.connect() as conn:
        if engine.dialect.name == 'postgresql':
            conn.execution_options(isolation_level='AUTOCOMMIT') \
                .exec_driver_sql('VACUUM ANALYZE')
        elif engine.dialect.name == 'mysql':
            conn.exec_driver_sql('ANALYZE TABLE ' + ', '.join(tables))
        else:
            conn.exec_driver_sql('ANALYZE')
            conn.commit()


def summarize(label, seconds, extra=''):
    """Print the median and p95 of a list of durations (seconds)."""
    ms = sorted(s * 1000 for s in seconds)
    p95 = ms[min(len(ms) - 1, int(round(0.95 * len(ms))) - 1)]
    print('  %-28s median %7.1f ms   p95 %7.1f ms   (%d calls)%s' % (
        label, statistics.median(ms), p95, len(ms), extra))


def request_for(limit):
    return candidates.CandidateRequest(
        groups=[candidates.RequestGroup(
            resources={'VCPU': 1, 'MEMORY_MB': 512, 'DISK_GB': 1},
            forbidden_traits={'COMPUTE_STATUS_DISABLED'})],
        limit=limit)


def time_inprocess(url, calls, limit, randomize, profile):
    database = t.Database(url)
    ctx = nova_context.get_admin_context()
    request = request_for(limit)
    result = candidates.get(ctx, request, db=database)  # warm up
    profiler = cProfile.Profile() if profile else None
    seconds, cpu = [], []
    for _ in range(calls):
        if profiler:
            profiler.enable()
        start, start_cpu = time.perf_counter(), time.process_time()
        result = candidates.get(ctx, request, db=database,
                                randomize=randomize)
        seconds.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        if profiler:
            profiler.disable()
    # CPU time of this process (SQLite runs in it): less sensitive than
    # wall time to other load on the machine.
    summarize('in-process get()', seconds,
              '  -> %d candidates; CPU median %.1f ms' % (
                  len(result.allocation_requests),
                  statistics.median(cpu) * 1000))
    if profiler:
        pstats.Stats(profiler).sort_stats('cumulative').print_stats(25)


def time_http(url, calls, limit, randomize, microversion):
    """GET /allocation_candidates through the WSGI app and cheroot."""
    from nova import conf as nova_conf
    from nova.placement import app as placement_app
    from nova import wsgi_server
    from oslo_config import cfg
    overrides = {'api_database.connection': url,
                 'api.auth_strategy': 'noauth2'}
    try:
        if randomize:
            overrides['placement.randomize_allocation_candidates'] = True
        conf = nova_conf.build_conf(overrides=overrides)
    except (cfg.NoSuchGroupError, cfg.NoSuchOptError):
        overrides.pop('placement.randomize_allocation_candidates')
        print('  ([placement] randomize_allocation_candidates is not an '
              'option here: HTTP answers are not randomized)')
        conf = nova_conf.build_conf(overrides=overrides)
    server = wsgi_server.Server(placement_app.loadapp(conf), '127.0.0.1', 0,
                                threads=4)
    server.start()
    try:
        conn = http.client.HTTPConnection('127.0.0.1', server.port)
        path = '/allocation_candidates?%s&limit=%d' % (QUERY, limit)
        headers = {'X-Auth-Token': 'admin:admin',
                   'OpenStack-API-Version': 'placement %s' % microversion}
        seconds, size, count = [], 0, 0
        for index in range(calls + 1):
            start = time.perf_counter()
            conn.request('GET', path, headers=headers)
            response = conn.getresponse()
            body = response.read()
            elapsed = time.perf_counter() - start
            if response.status != 200:
                sys.exit('GET %s: %s %s' % (path, response.status, body))
            if index:           # the first call warms caches up
                seconds.append(elapsed)
            size = len(body)
            count = len(json.loads(body)['allocation_requests'])
        summarize('HTTP GET (%s)' % microversion, seconds,
                  '  -> %d candidates, %d KiB' % (count, size // 1024))
    finally:
        server.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--providers', default='1000,10000',
                        help='comma-separated provider counts')
    parser.add_argument('--db', default='sqlite',
                        choices=('sqlite', 'mysql', 'postgresql'))
    parser.add_argument('--calls', type=int, default=50)
    parser.add_argument('--limit', type=int, default=1000,
                        help='[scheduler] max_placement_results')
    parser.add_argument('--randomize', action='store_true',
                        help='[placement] randomize_allocation_candidates')
    parser.add_argument('--microversion', default='1.39')
    parser.add_argument('--no-http', action='store_true')
    parser.add_argument('--profile', action='store_true',
                        help='cProfile the in-process calls')
    parser.add_argument('--numa', action='store_true',
                        help='VCPU on two NUMA child providers of each '
                             'compute node (provider trees)')
    args = parser.parse_args()
    # The daemons tune the garbage collector at start (nova/cmd/common.py);
    # measure what they do.
    from nova.cmd import common
    common.tune_gc()
    for count in [int(n) for n in args.providers.split(',')]:
        database = ThrowAwayDatabase(args.db)
        try:
            start = time.perf_counter()
            allocations = populate(database.url, count, numa=args.numa)
            print('%d %sproviders on %s (%d allocation rows), loaded in '
                  '%.1f s; load average %s' % (
                      count, 'NUMA-tree ' if args.numa else '', args.db,
                      allocations,
                      time.perf_counter() - start, os.getloadavg()[0]))
            time_inprocess(database.url, args.calls, args.limit,
                           args.randomize, args.profile)
            if not args.no_http:
                time_http(database.url, args.calls, args.limit,
                          args.randomize, args.microversion)
        finally:
            database.drop()


if __name__ == '__main__':
    main()
