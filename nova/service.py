"""A nova daemon: an RPC server on its topic, a heartbeat and periodic tasks.

Every wait has a timeout; stop() returns within a few seconds.
"""
import contextlib
import threading

import oslo_messaging as messaging
from oslo_log import log as logging

from nova import context as nova_context
from nova import objects
from nova import rpc

LOG = logging.getLogger(__name__)


class Service:
    def __init__(self, conf, binary, topic, manager, endpoints=None,
                 record=True, object_scope=contextlib.nullcontext,
                 conductor=None):
        self.conf = conf
        self.binary = binary
        self.topic = topic
        self.host = conf.host
        self.manager = manager
        self.endpoints = endpoints or [manager]
        self.record = record
        # Entered around the service's own object calls (heartbeat,
        # record), so a compute's go through the conductor.
        self.object_scope = object_scope
        # A service reaching state through the conductor waits for it.
        self.conductor = conductor
        self.service_ref = None
        self._server = None
        self._stop = threading.Event()
        self._threads = []

    def start(self):
        context = nova_context.get_admin_context()
        if self.conductor is not None and not \
                self.conductor.wait_until_ready(context, self._stop):
            return
        if self.record:
            with self.object_scope():
                self.service_ref = self._get_or_create_record(context)
        target = messaging.Target(topic=self.topic, server=self.host)
        self._server = rpc.get_server(self.conf, target, self.endpoints)
        self._server.start()
        if hasattr(self.manager, 'init_host'):
            self.manager.init_host(context)
        if self.record:
            self._spawn(self._heartbeat_loop, context,
                        self.conf.report_interval)
        if hasattr(self.manager, 'periodic_tasks'):
            self._spawn(self._periodic_loop, context,
                        self.conf.periodic_interval)
        LOG.info('%s started on %s (topic %s)', self.binary, self.host,
                 self.topic)

    def _get_or_create_record(self, context):
        ref = objects.Service.get_by_host_and_binary(context, self.host,
                                                     self.binary)
        if ref is None:
            ref = objects.Service(context, host=self.host,
                                  binary=self.binary, topic=self.topic)
            ref.create()
        ref.heartbeat()
        return ref

    def _spawn(self, loop, context, interval):
        thread = threading.Thread(target=loop, args=(context, interval),
                                  daemon=True,
                                  name='%s-%s' % (self.binary, loop.__name__))
        thread.start()
        self._threads.append(thread)

    def _heartbeat_loop(self, context, interval):
        while not self._stop.wait(interval):
            try:
                with self.object_scope():
                    self.service_ref.heartbeat()
            except Exception:
                LOG.exception('%s heartbeat failed', self.binary)

    def _periodic_loop(self, context, interval):
        while not self._stop.wait(interval):
            try:
                self.manager.periodic_tasks(context)
            except Exception:
                LOG.exception('%s periodic tasks failed', self.binary)

    def stop(self, timeout=10):
        self.stop_listening()
        self.wait(timeout)

    def stop_listening(self):
        """Take no new messages (returns at once; see wait())."""
        self._stop.set()
        if self._server is not None:
            self._server.stop()

    def wait(self, timeout=10):
        """Finish the messages being handled and release resources."""
        if self._server is not None:
            self._server.wait()
        for endpoint in self.endpoints:
            if hasattr(endpoint, 'cleanup_host'):
                endpoint.cleanup_host()
        for thread in self._threads:
            thread.join(timeout=timeout)
        LOG.info('%s stopped', self.binary)


def conductor_service(conf):
    from nova.conductor import manager
    return Service(conf, 'nova-conductor', 'conductor',
                   manager.ConductorManager(),
                   endpoints=[manager.ConductorManager(),
                              manager.ComputeTaskManager(conf)])


def scheduler_service(conf):
    from nova.scheduler import manager
    return Service(conf, 'nova-scheduler', 'scheduler',
                   manager.SchedulerManager(conf))


def compute_service(conf, shared_process=False):
    """The compute never opens a database: its object calls go through the
    conductor (the indirection API). In a process shared with the conductor
    (nova-all, functional tests) only the compute's threads are redirected.
    """
    from nova.compute import manager
    from nova.conductor import rpcapi as conductor_rpcapi
    from nova.objects import base as objects_base
    from nova.objects import indirection
    api = conductor_rpcapi.ConductorAPI(conf)
    objects_base.NovaObject.indirection_api = (
        indirection.ThreadLocalIndirection(api) if shared_process else api)
    return Service(conf, 'nova-compute', 'compute',
                   manager.ComputeManager(conf, conf.host),
                   object_scope=indirection.remote_objects, conductor=api)
