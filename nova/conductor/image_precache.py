"""Image pre-caching on the hosts of an aggregate (microversion 2.81).

nova-api checks the aggregate and every image, then casts
``cache_images(aggregate, image_ids)`` to the conductor, whose RPC thread
only queues the request here (``Precacher.submit``). One background
thread runs the requests one after the other, so a conductor never has
more than ``[image_cache] precache_concurrency`` hosts fetching for it.

A run asks each host of the aggregate, at most ``precache_concurrency``
at a time, to fetch the images (the compute's ``cache_images``: a call
with ``long_rpc_timeout``, its liveness watched every
``rpc_response_timeout``). A host whose compute service is down
(nova.compute.service_status) or that no cell knows is skipped. It is best
effort, as in Nova: nothing is retried, and the outcome is a summary
logged at INFO (hosts asked, skipped and failed; images cached, existing,
in error, unsupported) plus a WARNING for each image that failed somewhere.
"""
import collections
import concurrent.futures
import dataclasses
import threading
import time

from oslo_log import log as logging

from nova.compute import rpcapi as compute_rpcapi
from nova.compute import service_status
from nova import context as nova_context
from nova import exception
from nova import objects

LOG = logging.getLogger(__name__)

STATUSES = ('cached', 'existing', 'error', 'unsupported')
_NOT_ASKED = object()


@dataclasses.dataclass
class Report:
    """What one run did. counts: {status: (host, image) pairs};
    failures: {image id: hosts that answered 'error' for it}."""
    aggregate_id: int
    hosts: list
    image_ids: list
    answered: list = dataclasses.field(default_factory=list)
    skipped: list = dataclasses.field(default_factory=list)
    failed: list = dataclasses.field(default_factory=list)
    not_asked: list = dataclasses.field(default_factory=list)
    counts: collections.Counter = dataclasses.field(
        default_factory=collections.Counter)
    failures: collections.Counter = dataclasses.field(
        default_factory=collections.Counter)
    seconds: float = 0.0

    def add(self, host, result):
        self.answered.append(host)
        for image_id, status in result.items():
            self.counts[status] += 1
            if status == 'error':
                self.failures[image_id] += 1


class Precacher:
    """Runs pre-cache requests in the background, one at a time.

    compute: the compute RPC client (``cache_images(context, host,
    image_ids)``); host_is_up(context, status_cache, host): whether to ask
    a host. Both default to the real ones; tests pass their own.
    """

    def __init__(self, conf, compute=None, host_is_up=None):
        self.conf = conf
        self.compute = compute or compute_rpcapi.ComputeAPI(conf)
        self._host_is_up = host_is_up or service_is_up
        self._runs = concurrent.futures.ThreadPoolExecutor(
            max_workers=1, thread_name_prefix='image-precache')
        self._stopping = threading.Event()

    def submit(self, context, aggregate, image_ids):
        """Queue a run on aggregate's hosts; returns its Future (a
        Report)."""
        return self._runs.submit(self._run_logged, context, aggregate.id,
                                 list(aggregate.hosts or ()),
                                 list(image_ids))

    def stop(self):
        """Drop queued runs and ask no further host; returns at once (a
        call under way ends within its timeout)."""
        self._stopping.set()
        self._runs.shutdown(wait=False, cancel_futures=True)

    def _run_logged(self, context, aggregate_id, hosts, image_ids):
        try:
            return self.run(context, aggregate_id, hosts, image_ids)
        except Exception:
            LOG.exception('Image pre-cache of %s on aggregate %s failed',
                          ','.join(image_ids), aggregate_id)
            raise

    def run(self, context, aggregate_id, hosts, image_ids):
        """Ask every up host of the aggregate to cache image_ids; return
        the Report (also logged)."""
        started = time.monotonic()
        report = Report(aggregate_id, list(hosts), list(image_ids))
        LOG.info('Pre-caching image(s) %s on the %d host(s) of aggregate %s',
                 ','.join(image_ids), len(hosts), aggregate_id)
        status = service_status.HostStatusCache(self.conf)
        up = []
        for host in hosts:
            if self._host_is_up(context, status, host):
                up.append(host)
            else:
                LOG.info('Skipping image pre-cache on %s: its compute '
                         'service is down', host)
                report.skipped.append(host)
        if up:
            self._ask_all(context, up, image_ids, report)
        report.seconds = time.monotonic() - started
        _log_summary(report)
        return report

    def _ask_all(self, context, hosts, image_ids, report):
        workers = min(self.conf.image_cache.precache_concurrency, len(hosts))
        with concurrent.futures.ThreadPoolExecutor(
                max_workers=workers,
                thread_name_prefix='image-precache-host') as pool:
            futures = {pool.submit(self._ask, context, host, image_ids): host
                       for host in hosts}
            for future in concurrent.futures.as_completed(futures):
                host, result = futures[future], future.result()
                if result is _NOT_ASKED:
                    report.not_asked.append(host)
                elif result is None:
                    report.failed.append(host)
                else:
                    report.add(host, result)
                    LOG.debug('Image pre-cache on %s: %s (%d of %d hosts)',
                              host, result, len(report.answered),
                              len(hosts))

    def _ask(self, context, host, image_ids):
        """The host's {image: status}; None when it failed to answer."""
        if self._stopping.is_set():
            return _NOT_ASKED
        try:
            return self.compute.cache_images(context, host, image_ids)
        except exception.RPCTimeout:
            LOG.warning('Image pre-cache on %s: no answer within %ss',
                        host, self.conf.long_rpc_timeout)
        except Exception:
            LOG.exception('Image pre-cache on %s failed', host)
        return None


def service_is_up(context, status, host):
    """Whether host's compute service is up (status: a HostStatusCache);
    False for a host no cell maps."""
    try:
        cell = objects.HostMapping.get_by_host(context, host).cell_mapping
    except exception.HostMappingNotFound:
        return False
    with nova_context.target_cell(context, cell) as cctxt:
        return status.is_up(cctxt, host)


def _log_summary(report):
    counts = report.counts
    LOG.info('Image pre-cache of %(images)s on aggregate %(aggregate)s '
             'finished in %(seconds).1fs: %(answered)d of %(hosts)d host(s) '
             'done, %(skipped)d skipped (down), %(failed)d failed, '
             '%(not_asked)d not asked (stopping); %(cached)d cached, '
             '%(existing)d existing, %(error)d errors, %(unsupported)d '
             'unsupported',
             {'images': ','.join(report.image_ids),
              'aggregate': report.aggregate_id, 'seconds': report.seconds,
              'answered': len(report.answered), 'hosts': len(report.hosts),
              'skipped': len(report.skipped), 'failed': len(report.failed),
              'not_asked': len(report.not_asked),
              **{s: counts[s] for s in STATUSES}})
    for image_id, hosts in sorted(report.failures.items()):
        LOG.warning('Image pre-cache of %s failed on %d host(s)', image_id,
                    hosts)
