#!/usr/bin/env python
"""Time one scheduling decision with many fake compute providers.

Builds throw-away SQLite databases: an API database with N compute
providers in placement (tools/bench/placement_bench.populate: VCPU,
MEMORY_MB, DISK_GB, a few traits, aggregates and allocations, plus the
COMPUTE_IMAGE_TYPE_QCOW2 trait), and a cell database with their compute
node and service records. Then runs the real scheduler in-process
(nova.scheduler.scheduler.Scheduler: request filters, placement's
allocation candidates with ``[scheduler] max_placement_results``, the
default host filters and all weighers, and the claim in placement) and
prints the median and p95 of:

* one decision for one instance (``select`` of one RequestSpec), the
  claim included;
* one decision for a multi-create of ``--multi`` instances (default 100).

It prints figures and asserts nothing. Usage::

    python tools/bench/scheduler_bench.py --hosts 1000 10000 --calls 200
"""
import argparse
import cProfile
import datetime
import os
import pstats
import shutil
import statistics
import sys
import tempfile
import time
import uuid

import sqlalchemy as sa

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import placement_bench  # noqa: E402  (the provider world)

from nova import conf as nova_conf  # noqa: E402
from nova import context as nova_context  # noqa: E402
from nova.db.main import models as main_models  # noqa: E402
from nova.db import engines  # noqa: E402
from nova.db import migration  # noqa: E402
from nova import objects  # noqa: E402
from nova.placement.store import tables as t  # noqa: E402
from nova.scheduler import scheduler as scheduler_mod  # noqa: E402


def time_placement_only(scheduler, ctx, calls):
    """The candidates query alone, as the scheduler builds it."""
    from nova.scheduler import request as sched_request
    from nova.scheduler import request_filter
    request = sched_request.SchedulingRequest(ctx, request_spec(ctx, 1))
    query = request_filter.build(scheduler.conf, request,
                                 scheduler.host_manager.aggregates,
                                 scheduler.host_manager)
    seconds = []
    for _ in range(calls):
        start = time.perf_counter()
        found = scheduler.placement.get_candidates(ctx, query.request())
        seconds.append(time.perf_counter() - start)
    summarize('  of which placement candidates', seconds,
              '  -> %d candidates' % len(found.allocation_requests))


def build_world(directory, count, limit):
    api_url = 'sqlite:///%s/api.sqlite' % directory
    cell_url = 'sqlite:///%s/cell1.sqlite' % directory
    migration.create_schema(api_url, 'api')
    migration.create_schema(cell_url, 'main')
    placement_bench.populate(api_url, count)
    conf = nova_conf.build_conf(overrides={
        'api_database.connection': api_url, 'database.connection': cell_url,
        'state_path': directory, 'service_down_time': 86400,
        'scheduler.max_placement_results': limit})
    engines.configure(conf)
    objects.register_all()
    ctx = nova_context.get_admin_context()
    objects.CellMapping(ctx, name='cell1', transport_url='fake://',
                        database_connection=cell_url).create()
    _add_image_trait(api_url)
    _add_compute_records(api_url, cell_url)
    return conf


def _add_image_trait(api_url):
    with engines.get_engine(api_url).begin() as conn:
        trait_id = conn.execute(sa.select(t.TRAITS.c.id).where(
            t.TRAITS.c.name == 'COMPUTE_IMAGE_TYPE_QCOW2')).scalar()
        if trait_id is None:
            trait_id = conn.execute(t.TRAITS.insert().values(
                name='COMPUTE_IMAGE_TYPE_QCOW2')).inserted_primary_key[0]
        ids = [r[0] for r in conn.execute(sa.select(t.PROVIDERS.c.id))]
        rows = [{'resource_provider_id': i, 'trait_id': trait_id}
                for i in ids]
        for start in range(0, len(rows), 5000):
            conn.execute(t.PROVIDER_TRAITS.insert(), rows[start:start + 5000])


def _add_compute_records(api_url, cell_url):
    with engines.get_engine(api_url).connect() as conn:
        providers = conn.execute(sa.select(
            t.PROVIDERS.c.uuid, t.PROVIDERS.c.name)).all()
    now = datetime.datetime.utcnow()
    services = [{'id': i + 1, 'uuid': str(uuid.uuid4()), 'host': name,
                 'binary': 'nova-compute', 'topic': 'compute',
                 'report_count': 1, 'disabled': False, 'forced_down': False,
                 'last_seen_up': now,
                 'version': 1, 'deleted': 0, 'created_at': now}
                for i, (_, name) in enumerate(providers)]
    nodes = [{'uuid': rp_uuid, 'service_id': i + 1, 'host': name,
              'hypervisor_hostname': name, 'vcpus': 32, 'memory_mb': 131072,
              'local_gb': 2000, 'hypervisor_type': 'fake',
              'hypervisor_version': 1000, 'cpu_info': '{}',
              'stats': '{"num_instances": 2, "io_workload": 0}',
              'deleted': 0, 'created_at': now}
             for i, (rp_uuid, name) in enumerate(providers)]
    with engines.get_engine(cell_url).begin() as conn:
        for table, rows in ((main_models.Service.__table__, services),
                            (main_models.ComputeNode.__table__, nodes)):
            for start in range(0, len(rows), 5000):
                conn.execute(table.insert(), rows[start:start + 5000])


def request_spec(ctx, count):
    flavor = objects.Flavor(
        id=1, flavorid='bench', name='bench', vcpus=1, memory_mb=512,
        root_gb=1, ephemeral_gb=0, swap=0, extra_specs={}, disabled=False,
        is_public=True, projects=[], rxtx_factor=1.0, vcpu_weight=None,
        description=None, created_at=None, updated_at=None)
    return objects.RequestSpec(
        instance_uuid=str(uuid.uuid4()), project_id='bench-project',
        user_id='bench-user', flavor=flavor, image_id=None,
        image_properties={'disk_format': 'qcow2'}, num_instances=count,
        availability_zone=None, scheduler_hints={}, ignore_hosts=None,
        force_hosts=None, force_nodes=None, is_bfv=False)


def summarize(label, seconds, extra=''):
    ms = sorted(s * 1000 for s in seconds)
    p95 = ms[min(len(ms) - 1, int(round(0.95 * len(ms))) - 1)]
    print('  %-34s median %7.1f ms   p95 %7.1f ms   (%d runs)%s' % (
        label, statistics.median(ms), p95, len(ms), extra))


def time_decisions(scheduler, ctx, count, calls, profiler=None):
    seconds, hosts = [], set()
    for _ in range(calls):
        spec = request_spec(ctx, count)
        uuids = [str(uuid.uuid4()) for _ in range(count)]
        if profiler:
            profiler.enable()
        start = time.perf_counter()
        result = scheduler.select(ctx, [(spec, uuids)])[0]
        seconds.append(time.perf_counter() - start)
        if profiler:
            profiler.disable()
        if not isinstance(result, list):
            sys.exit('NoValidHost: %s\n%s' % (result.format_message(),
                                               getattr(result, 'details',
                                                       '')))
        hosts.update(s[0].service_host for s in result)
    return seconds, hosts


def run(count, calls, multi, multi_calls, profile, limit):
    directory = tempfile.mkdtemp(prefix='scheduler-bench.')
    try:
        started = time.perf_counter()
        conf = build_world(directory, count, limit)
        print('%d providers and compute nodes built in %.1f s' % (
            count, time.perf_counter() - started))
        ctx = nova_context.get_admin_context()
        scheduler = scheduler_mod.Scheduler(conf)
        time_decisions(scheduler, ctx, 1, 3)          # warm up
        profiler = cProfile.Profile() if profile else None
        seconds, hosts = time_decisions(scheduler, ctx, 1, calls, profiler)
        summarize('one decision (1 instance)', seconds,
                  '  -> %d distinct hosts' % len(hosts))
        time_placement_only(scheduler, ctx, min(calls, 50))
        if multi:
            seconds, hosts = time_decisions(scheduler, ctx, multi,
                                            multi_calls)
            summarize('one decision (%d instances)' % multi, seconds,
                      '  -> %d distinct hosts' % len(hosts))
        if profiler:
            pstats.Stats(profiler).sort_stats('cumulative').print_stats(30)
    finally:
        engines.dispose_all()
        shutil.rmtree(directory, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--hosts', type=int, nargs='+',
                        default=[1000, 10000])
    parser.add_argument('--calls', type=int, default=200,
                        help='single-instance decisions timed per size')
    parser.add_argument('--multi', type=int, default=100,
                        help='instances of the multi-create decision '
                             '(0: skip)')
    parser.add_argument('--multi-calls', type=int, default=10)
    parser.add_argument('--limit', type=int, default=1000,
                        help='[scheduler] max_placement_results')
    parser.add_argument('--profile', action='store_true')
    args = parser.parse_args()
    # The daemons tune the garbage collector at start (nova/cmd/common.py);
    # measure what they do.
    from nova.cmd import common
    common.tune_gc()
    for count in args.hosts:
        print('== %d compute providers, max_placement_results %d ==' % (
            count, args.limit))
        run(count, args.calls, args.multi, args.multi_calls, args.profile,
            args.limit)


if __name__ == '__main__':
    main()
