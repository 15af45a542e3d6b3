"""nova-compute: runs guests on this host through a virt driver.

Methods take a per-instance lock and delegate to workflow modules; the
daemon reaches state only through objects (the conductor does the SQL).
"""
import collections
import concurrent.futures
import os
import threading
import time

from oslo_concurrency import lockutils
from oslo_log import log as logging
import oslo_messaging as messaging

from nova.compute import build
from nova.compute import console
from nova.compute import image_cache
from nova.compute import power
from nova.compute import power_sync
from nova.compute import rescue
from nova.compute import resize
from nova.compute import resource_tracker
from nova.compute import rpcapi as compute_rpcapi
from nova.compute import snapshot
from nova.conductor import rpcapi as conductor_rpcapi
from nova import context as nova_context
from nova import exception
from nova.image import api as image_api
from nova import objects
from nova.objects import base as objects_base
from nova.objects import fields
from nova.objects.indirection import in_remote_objects
from nova.virt import driver as virt_driver

LOG = logging.getLogger(__name__)

_TERMINATED_KEPT = 10000


class ComputeManager:
    # 1.1: cache_images (see compute/rpcapi.py).
    target = messaging.Target(version='1.1')

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
        # Server actions cast to other computes and ask the conductor.
        self.compute_rpcapi = compute_rpcapi.ComputeAPI(conf)
        self.compute_task_api = conductor_rpcapi.ComputeTaskAPI(conf)
        # Builds ending together write ACTIVE in one conductor cast.
        self._active_writer = build.ActiveWriter(self.compute_task_api,
                                                 host)
        self.image_api = image_api.API(conf)
        self.image_cache = image_cache.ImageCache(conf, self.image_api)
        self._image_cache_cleaned_at = None
        self.power_sync = power_sync.PowerStateSync(host, self.driver)
        # Instances terminated lately, so a build cast that arrives after
        # its delete spawns nothing (a build does not begin with a
        # compare-and-set write any more).
        self._terminated = collections.OrderedDict()
        self._terminated_lock = threading.Lock()

    @in_remote_objects
    def init_host(self, context):
        self.driver.init_host(self.host)
        self._register_image_cache_user()
        self.tracker.start(context)
        self._recover(context)
        power_sync.report_orphans(context, self.host, self.driver)
        self.power_sync.start(context)

    def cleanup_host(self):
        self._stopping.set()
        self._builds.shutdown(wait=True, cancel_futures=False)
        self.tracker.stop()
        self.power_sync.stop()

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
            elif instance.task_state in power.RECOVERED_TASK_STATES:
                LOG.warning('Instance %s was in %s when the service '
                            'stopped; recovering it', instance.uuid,
                            instance.task_state)
                power.recover(context, self, instance)
            elif instance.task_state in snapshot.TASK_STATES:
                snapshot.recover(context, self.image_api, instance)

    # -- RPC endpoints -----------------------------------------------------

    @in_remote_objects
    def build_and_run_instance(self, context, instance, node, image,
                               alternates=None):
        self._builds.submit(self._locked_build, context, instance, image,
                            alternates or [])

    @in_remote_objects
    def build_and_run_instances(self, context, builds, requests):
        # Each build runs as its own API request (see the rpcapi).
        contexts = [nova_context.RequestContext.from_dict(r['context'])
                    for r in requests]
        for build_ in builds:
            request = build_['request']
            instance = build_['instance']
            instance._context = contexts[request]
            self._builds.submit(self._locked_build, contexts[request],
                                instance, requests[request]['image'],
                                build_['alternates'] or [])

    @in_remote_objects
    def _locked_build(self, context, instance, image, alternates=()):
        # A pool thread: make the request's context the one its log lines
        # carry, as an RPC thread's is.
        context.update_store()
        try:
            with lockutils.lock(instance.uuid):
                if instance.uuid in self._terminated:
                    # Its delete overtook the build: spawn nothing.
                    LOG.info('Instance %s was deleted before its build '
                             'started', instance.uuid)
                    self.tracker.free_allocations(instance)
                    return
                build.build_and_run(context, self.host, self.driver,
                                    self.tracker, instance, image,
                                    alternates=alternates,
                                    conductor=self.compute_task_api,
                                    writer=self._active_writer)
        except Exception:
            LOG.exception('Unexpected error building %s', instance.uuid)

    @in_remote_objects
    def discard_build(self, context, instance):
        # Its instance was deleted, with no terminate coming, while it
        # spawned (see build.ActiveWriter).
        with lockutils.lock(instance.uuid):
            build.discard(context, self.driver, self.tracker, instance)

    @in_remote_objects
    def terminate_instance(self, context, instance):
        with lockutils.lock(instance.uuid):
            self._terminate(context, instance)

    def _terminate(self, context, instance):
        with self._terminated_lock:
            self._terminated[instance.uuid] = None
            if len(self._terminated) > _TERMINATED_KEPT:
                self._terminated.popitem(last=False)
        started = objects_base.naive(objects_base.now()).isoformat()
        self.driver.destroy(context, instance)
        # The conductor frees its allocations and marks it deleted, with
        # the compute_terminate_instance event on its delete action.
        self.compute_task_api.destroy_instance(context, instance.uuid,
                                               self.host, started)
        self.tracker.release(instance)

    @in_remote_objects
    def snapshot_instance(self, context, instance, image_id):
        # Off the RPC threads, like builds: an upload may take minutes.
        self._builds.submit(self._locked_snapshot, context, instance,
                            image_id)

    @in_remote_objects
    def _locked_snapshot(self, context, instance, image_id):
        workdir_root = os.path.join(image_cache.instances_path(self.conf),
                                    'snapshots')
        try:
            with lockutils.lock(instance.uuid):
                snapshot.snapshot_instance(
                    context, self.host, self.driver, self.image_api,
                    instance, image_id, workdir_root)
        except Exception:
            LOG.exception('Unexpected error in snapshot %s of %s', image_id,
                          instance.uuid)

    # -- server actions (workflows in power, rescue, resize, console) --------

    def _locked(self, instance, workflow, *args):
        with lockutils.lock(instance.uuid):
            return workflow(*args)

    @in_remote_objects
    def reboot_instance(self, context, instance, reboot_type):
        self._locked(instance, power.reboot, context, self.host, self.driver,
                     instance, reboot_type)

    @in_remote_objects
    def stop_instance(self, context, instance, clean_shutdown=True):
        self._locked(instance, power.stop, context, self.host, self.driver,
                     self.conf, instance, clean_shutdown)

    @in_remote_objects
    def start_instance(self, context, instance):
        self._locked(instance, power.start, context, self.host, self.driver,
                     instance)

    @in_remote_objects
    def pause_instance(self, context, instance):
        self._locked(instance, power.pause, context, self.host, self.driver,
                     instance)

    @in_remote_objects
    def unpause_instance(self, context, instance):
        self._locked(instance, power.unpause, context, self.host,
                     self.driver, instance)

    @in_remote_objects
    def suspend_instance(self, context, instance):
        self._locked(instance, power.suspend, context, self.host,
                     self.driver, instance)

    @in_remote_objects
    def resume_instance(self, context, instance):
        self._locked(instance, power.resume, context, self.host, self.driver,
                     instance)

    @in_remote_objects
    def rescue_instance(self, context, instance, rescue_password, image):
        self._locked(instance, rescue.rescue, context, self.host,
                     self.driver, instance, image, rescue_password)

    @in_remote_objects
    def unrescue_instance(self, context, instance):
        self._locked(instance, rescue.unrescue, context, self.host,
                     self.driver, instance)

    @messaging.expected_exceptions(exception.NovaException)
    def get_console_output(self, context, instance, tail_length):
        # Reads only: no lock, so a long action never blocks the console.
        return console.get_console_output(context, self.driver, instance,
                                          tail_length)

    @in_remote_objects
    def prep_resize(self, context, instance, flavor, migration, image):
        self._locked(instance, resize.prep_resize, context, self, instance,
                     flavor, migration, image)

    @in_remote_objects
    def resize_instance(self, context, instance, migration, flavor, image):
        self._locked(instance, resize.resize_instance, context, self,
                     instance, migration, flavor, image)

    @in_remote_objects
    def finish_resize(self, context, instance, migration, disk_info, image):
        self._locked(instance, resize.finish_resize, context, self,
                     instance, migration, disk_info, image)

    @in_remote_objects
    def confirm_resize(self, context, instance, migration):
        self._locked(instance, resize.confirm_resize, context, self,
                     instance, migration)

    @in_remote_objects
    def revert_resize(self, context, instance, migration):
        self._locked(instance, resize.revert_resize, context, self, instance,
                     migration)

    @in_remote_objects
    def finish_revert_resize(self, context, instance, migration):
        self._locked(instance, resize.finish_revert_resize, context, self,
                     instance, migration)

    # -- image pre-caching (a call from the conductor) -----------------------

    @in_remote_objects
    def cache_images(self, context, image_ids):
        # On the RPC thread: the conductor waits for the answer anyway and
        # asks a host one request at a time.
        return precache_images(context, self.driver, self.image_api,
                               image_ids)

    # -- periodic ------------------------------------------------------------

    @in_remote_objects
    def periodic_tasks(self, context):
        self.tracker.update_available_resource(context)
        self._clean_image_cache(context)
        self.power_sync.sync_all(context)

    def _register_image_cache_user(self):
        # Before any cleanup runs, so a host sharing the cache directory
        # never removes the images of this host's instances.
        try:
            self.image_cache.storage_users(self.host)
        except OSError as exc:
            LOG.warning('Image cache %s unusable: %s',
                        self.image_cache.base_dir, exc)

    def _clean_image_cache(self, context):
        """Every [image_cache] manager_interval: drop cached images no
        instance of this host has used for the configured age."""
        interval = self.conf.image_cache.manager_interval
        now = time.monotonic()
        if interval < 0 or (self._image_cache_cleaned_at is not None and
                            now - self._image_cache_cleaned_at < interval):
            return
        self._image_cache_cleaned_at = now
        try:
            # The directory may be shared: every host using it keeps its
            # images.
            used = [i.image_ref
                    for host in self.image_cache.storage_users(self.host)
                    for i in objects.InstanceList.get_by_host(context, host)]
            self.image_cache.cleanup(used)
        except Exception:
            LOG.exception('Image cache cleanup of %s failed',
                          self.image_cache.base_dir)


def precache_images(context, driver, image_api, image_ids):
    """Fetch images into this host's cache through the driver: {image id:
    'cached' (downloaded now), 'existing' (was there; its age restarts),
    'error' (logged) or 'unsupported' (the driver has no image cache)}."""
    results = {}
    supported = virt_driver.supports(driver, 'image_cache')
    for image_id in image_ids:
        if not supported:
            results[image_id] = 'unsupported'
            continue
        try:
            new = driver.cache_image(context, image_api.get(context,
                                                            image_id))
            results[image_id] = 'cached' if new else 'existing'
        except exception.NovaException as exc:
            LOG.error('Failed to cache image %s: %s', image_id, exc)
            results[image_id] = 'error'
        except Exception:
            LOG.exception('Failed to cache image %s', image_id)
            results[image_id] = 'error'
    if not supported:
        LOG.warning('The %s driver cannot pre-cache images; ignored the '
                    'request for %s', type(driver).__name__,
                    ', '.join(image_ids))
    return results
