"""nova-scheduler: picks hosts for instances."""
import threading

import oslo_messaging as messaging
from oslo_log import log as logging

from nova.compute import host_discovery
from nova import context as nova_context
from nova import exception
from nova.scheduler import host_manager

LOG = logging.getLogger(__name__)


class SchedulerManager:
    target = messaging.Target(version='1.0')

    def __init__(self, conf):
        self.conf = conf
        self.host_manager = host_manager.HostManager(conf)
        # Decisions are serialised so two requests never claim the same
        # free resources; one decision is a few ms.
        self._lock = threading.Lock()

    @messaging.expected_exceptions(exception.NoValidHost)
    def select_destinations(self, context, request_spec, instance_uuids):
        with self._lock:
            return self.host_manager.select(context, request_spec,
                                            instance_uuids)

    def select_many(self, context, requests):
        results = []
        with self._lock:
            self.host_manager.refresh()
            for spec, instance_uuids in requests:
                try:
                    results.append(self.host_manager.select(
                        context, spec, instance_uuids, refresh=False))
                except exception.NoValidHost as exc:
                    results.append({'error': exc.format_message()})
        return results

    def periodic_tasks(self, context):
        interval = self.conf.scheduler.discover_hosts_in_cells_interval
        if interval >= 0:
            try:
                host_discovery.discover_hosts(
                    nova_context.get_admin_context())
            except Exception:
                LOG.exception('Host discovery failed')
