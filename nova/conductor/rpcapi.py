"""Client side of the conductor RPC API.

Two interfaces on the ``conductor`` topic:

* objects (no namespace): the indirection API computes use instead of a
  database. 1.0: object_class_action_versions, object_action, ping.
* ``compute_task``: orchestration asked by nova-api.
  1.0: schedule_and_build_instances(instance_uuids, image). The build
  requests and request specs are in the API database already; sending
  uuids keeps the cast small and the API from serialising them twice.
  Also 1.0 (no release has shipped yet, so the first release's 1.0 is
  all of this): migrate_server(instance, flavor, image) (cast from
  nova-api); revert_resize_allocations(migration) and
  confirm_resize_allocations(migration) (calls from computes);
  update_provider(uuid, name, inventories, traits) (call from a compute's
  resource tracker); free_allocations(instance_uuids) and
  build_failed(instance_uuid, host, alternates, image, message, details)
  (casts from computes); finish_builds(finished, host, started) (cast
  from a compute: the ACTIVE writes of builds that spawned, several in
  one, with their events); destroy_instance(instance_uuid, host, started)
  (cast from a compute: the end of a delete, with its event).
  1.1: cache_images(aggregate, image_ids) (cast from nova-api: image
  pre-caching on the aggregate's hosts, microversion 2.81).
"""
from oslo_log import log as logging
import oslo_messaging as messaging

from nova import rpc

LOG = logging.getLogger(__name__)
TOPIC = 'conductor'


class ConductorAPI:
    """The indirection API: set as NovaObject.indirection_api in computes."""

    VERSION_ALIASES = {}

    def __init__(self, conf):
        self.client = rpc.get_client(
            conf, messaging.Target(topic=TOPIC, version='1.0'))

    def object_class_action_versions(self, context, objname, objmethod,
                                     object_versions, args, kwargs):
        return rpc.call(self.client, context, 'object_class_action_versions',
                        service='nova-conductor', objname=objname,
                        objmethod=objmethod, object_versions=object_versions,
                        args=args, kwargs=kwargs)

    def object_action(self, context, objinst, objmethod, args, kwargs):
        return rpc.call(self.client, context, 'object_action',
                        service='nova-conductor', objinst=objinst,
                        objmethod=objmethod, args=args, kwargs=kwargs)

    def wait_until_ready(self, context, stopping, attempt_timeout=5):
        """Block until the conductor answers (or stopping is set).

        A message sent before the conductor first declared its queue is
        dropped by the broker; a compute starting first would wait out the
        whole RPC timeout and die. Short pings, logged, avoid that.
        """
        attempt = 0
        while not stopping.is_set():
            attempt += 1
            try:
                self.client.prepare(timeout=attempt_timeout).call(
                    context, 'ping')
                return True
            except messaging.MessagingTimeout:
                LOG.warning('nova-conductor did not answer ping %d; '
                            'retrying', attempt)
        return False

    def object_backport_versions(self, context, objinst, object_versions):
        return rpc.call(self.client, context, 'object_backport_versions',
                        service='nova-conductor', objinst=objinst,
                        object_versions=object_versions)


class ComputeTaskAPI:
    def __init__(self, conf):
        self.client = rpc.get_client(
            conf, messaging.Target(topic=TOPIC, namespace='compute_task',
                                   version='1.0'))

    def schedule_and_build_instances(self, context, instance_uuids, image):
        self.client.prepare(version='1.0').cast(
            context, 'schedule_and_build_instances',
            instance_uuids=instance_uuids, image=image)

    def migrate_server(self, context, instance, flavor, image):
        """Schedule a resize of instance to flavor (see conductor.resize)."""
        self.client.prepare(version='1.0').cast(
            context, 'migrate_server', instance=instance, flavor=flavor,
            image=image)

    def revert_resize_allocations(self, context, migration):
        rpc.call(self.client.prepare(version='1.0'), context,
                 'revert_resize_allocations', service='nova-conductor',
                 migration=migration)

    def confirm_resize_allocations(self, context, migration):
        rpc.call(self.client.prepare(version='1.0'), context,
                 'confirm_resize_allocations', service='nova-conductor',
                 migration=migration)

    # -- placement on behalf of computes (engineer 3) ----------------------

    def update_provider(self, context, uuid, name, inventories, traits):
        """Make placement's provider uuid exactly this view (a call:
        the tracker re-sends until it succeeds). Returns its generation."""
        return rpc.call(self.client.prepare(version='1.0'), context,
                        'update_provider', service='nova-conductor',
                        uuid=uuid, name=name, inventories=inventories,
                        traits=list(traits))

    def destroy_instance(self, context, instance_uuid, host=None,
                         started=None):
        """A compute has removed the guest: free the instance's allocations,
        mark its mapping queued_for_delete and its row deleted, and record
        the compute_terminate_instance event (host, started: when the
        terminate began, ISO 8601) on its delete action (see
        nova.conductor.deletion). A cast: the compute needs no answer, and
        the message waits in the conductor's queue if no conductor runs."""
        self.client.prepare(version='1.0').cast(
            context, 'destroy_instance', instance_uuid=instance_uuid,
            host=host, started=started)

    def free_allocations(self, context, instance_uuids):
        """Free the placement allocations of deleted instances."""
        self.client.prepare(version='1.0').cast(
            context, 'free_allocations',
            instance_uuids=list(instance_uuids))

    def finish_builds(self, context, finished, host=None, started=None):
        """{instance uuid: column values} of builds that spawned: each
        ACTIVE, compare-and-set on spawning, with its build event (host;
        started: {instance uuid: when its spawn began, ISO 8601}) on its
        create action. A cast: an instance deleted meanwhile needs nothing
        from the compute but, when no terminate is coming, to lose its
        guest (compute's discard_build)."""
        self.client.prepare(version='1.0').cast(
            context, 'finish_builds', finished=finished, host=host,
            started=started)

    def build_failed(self, context, instance_uuid, host, alternates, image,
                     message, details):
        """A build failed on host: reschedule it to an alternate
        (Selections) or put it in ERROR with a fault."""
        self.client.prepare(version='1.0').cast(
            context, 'build_failed', instance_uuid=instance_uuid, host=host,
            alternates=list(alternates or ()), image=image, message=message,
            details=details)

    def cache_images(self, context, aggregate, image_ids):
        """Pre-cache images on the hosts of aggregate (an Aggregate), in
        the background (nova.conductor.image_precache). A cast: the API
        answers 202 at once."""
        self.client.prepare(version='1.1').cast(
            context, 'cache_images', aggregate=aggregate,
            image_ids=list(image_ids))
