"""nova-scheduler: picks hosts for instances and claims them in placement.
"""
import threading
import time

import oslo_messaging as messaging
from oslo_log import log as logging
from sqlalchemy import orm as sa_orm

from nova.compute import host_discovery
from nova import context as nova_context
from nova import exception
from nova.scheduler import scheduler

LOG = logging.getLogger(__name__)


class SchedulerManager:
    target = messaging.Target(version='1.0')

    def __init__(self, conf):
        self.conf = conf
        self.scheduler = scheduler.Scheduler(conf)
        # SQLAlchemy configures every ORM mapper on the first ORM query
        # (about 0.1 s of CPU here): at start, not in the first boot.
        sa_orm.configure_mappers()
        # One decision at a time in this process: its in-memory view of
        # what it placed stays consistent. Placement's atomic claims keep
        # several scheduler processes from overcommitting a host.
        self._lock = threading.Lock()

    @messaging.expected_exceptions(exception.NoValidHost)
    def select_destinations(self, context, request_spec, instance_uuids):
        with self._lock:
            result = self.scheduler.select(
                context, [(request_spec, instance_uuids)])[0]
        if isinstance(result, exception.NoValidHost):
            raise result
        return result

    def select_many(self, context, requests):
        started = time.monotonic()
        with self._lock:
            results = self.scheduler.select(
                context, [(spec, uuids) for spec, uuids in requests])
        LOG.debug('Scheduled %d request(s), %d instance(s), in %.1f ms',
                  len(requests), sum(len(u) for _, u in requests),
                  (time.monotonic() - started) * 1000)
        return [{'error': r.format_message(),
                 'details': getattr(r, 'details', None)}
                if isinstance(r, exception.NoValidHost) else r
                for r in results]

    def periodic_tasks(self, context):
        interval = self.conf.scheduler.discover_hosts_in_cells_interval
        if interval >= 0:
            try:
                host_discovery.discover_hosts(
                    nova_context.get_admin_context())
            except Exception:
                LOG.exception('Host discovery failed')
