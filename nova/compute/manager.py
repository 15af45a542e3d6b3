"""nova-compute: runs guests on this host through a virt driver.

Methods take a per-instance lock and delegate to workflow modules; the
daemon reaches state only through objects (the conductor does the SQL).
"""
import concurrent.futures
import threading

from oslo_concurrency import lockutils
from oslo_log import log as logging
import oslo_messaging as messaging

from nova.compute import build
from nova.compute import resource_tracker
from nova import exception
from nova import objects
from nova.objects import fields
from nova.objects.indirection import in_remote_objects
from nova.virt import driver as virt_driver

LOG = logging.getLogger(__name__)


class ComputeManager:
    target = messaging.Target(version='1.0')

    def __init__(self, conf, host):
        self.conf = conf
        self.host = host
        self.driver = virt_driver.load_driver(conf)
        self.tracker = resource_tracker.ResourceTracker(conf, host,
                                                        self.driver)
        # Builds run off the RPC threads so a burst never starves deletes.
        self._builds = concurrent.futures.ThreadPoolExecutor(
            max_workers=conf.max_concurrent_builds,
            thread_name_prefix='build')
        self._stopping = threading.Event()

    @in_remote_objects
    def init_host(self, context):
        self.driver.init_host(self.host)
        self.tracker.start(context)
        self._recover(context)

    def cleanup_host(self):
        self._stopping.set()
        self._builds.shutdown(wait=True, cancel_futures=False)
        self.tracker.stop()

    def _recover(self, context):
        """Finish or fail what a previous run of this daemon left half done."""
        for instance in objects.InstanceList.get_by_host(context, self.host):
            if instance.task_state == fields.TaskState.DELETING:
                LOG.info('Finishing the delete of %s', instance.uuid)
                self._terminate(context, instance)
            elif instance.task_state in (fields.TaskState.SCHEDULING,
                                         fields.TaskState.SPAWNING):
                LOG.warning('Instance %s was building when the service '
                            'stopped; setting it to ERROR', instance.uuid)
                instance.add_fault(
                    code=500, host=self.host, details=None,
                    message='The compute service restarted during the '
                            'build.')
                instance.vm_state = fields.VMState.ERROR
                instance.task_state = None
                instance.save()

    # -- RPC endpoints -----------------------------------------------------

    @in_remote_objects
    def build_and_run_instance(self, context, instance, node, image):
        self._builds.submit(self._locked_build, context, instance, image)

    @in_remote_objects
    def _locked_build(self, context, instance, image):
        try:
            with lockutils.lock(instance.uuid):
                build.build_and_run(context, self.host, self.driver,
                                    self.tracker, instance, image)
        except Exception:
            LOG.exception('Unexpected error building %s', instance.uuid)

    @in_remote_objects
    def terminate_instance(self, context, instance):
        with lockutils.lock(instance.uuid):
            self._terminate(context, instance)

    def _terminate(self, context, instance):
        self.driver.destroy(context, instance)
        try:
            instance.destroy()
        except exception.InstanceNotFound:
            return  # someone else finished the delete
        self.tracker.release(instance)

    # -- periodic ------------------------------------------------------------

    @in_remote_objects
    def periodic_tasks(self, context):
        self.tracker.update_available_resource(context)
