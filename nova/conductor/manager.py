"""nova-conductor: the computes' database proxy and the build orchestrator."""
import oslo_messaging as messaging
from oslo_log import log as logging
from sqlalchemy import orm as sa_orm

from nova.conductor import build
from nova.conductor import deletion
from nova.conductor import image_precache
from nova.conductor import resize
from nova import exception
from nova.objects import base as objects_base

LOG = logging.getLogger(__name__)
_UNSET = object()


class ConductorManager:
    """Carries out object methods on behalf of processes without a DB."""

    target = messaging.Target(version='1.0')

    def ping(self, context):
        return 'pong'

    # Domain errors are the caller's to handle: don't log them as ours.
    @messaging.expected_exceptions(exception.NovaException)
    def object_class_action_versions(self, context, objname, objmethod,
                                     object_versions, args, kwargs):
        objclass = objects_base.NovaObject.obj_class_from_name(
            objname, object_versions[objname])
        result = getattr(objclass, objmethod)(context, *args, **kwargs)
        # Send back what the caller understands.
        if isinstance(result, objects_base.NovaObject):
            result = result.obj_to_primitive(
                target_version=object_versions.get(result.obj_name()),
                version_manifest=object_versions)
            return objects_base.NovaObject.obj_from_primitive(result)
        return result

    @messaging.expected_exceptions(exception.NovaException)
    def object_action(self, context, objinst, objmethod, args, kwargs):
        # A shallow snapshot: our methods replace field values, never
        # mutate them in place, so identity tells what the call changed
        # (a deep obj_clone was most of this method's cost).
        before = {name: getattr(objinst, '_obj_' + name, _UNSET)
                  for name in objinst.fields}
        result = getattr(objinst, objmethod)(*args, **kwargs)
        updates = {}
        for name, field in objinst.fields.items():
            value = getattr(objinst, '_obj_' + name, _UNSET)
            if value is _UNSET or value is before[name]:
                continue
            updates[name] = field.to_primitive(objinst, name, value)
        updates['obj_what_changed'] = objinst.obj_what_changed()
        return updates, result

    def object_backport_versions(self, context, objinst, object_versions):
        target = object_versions[objinst.obj_name()]
        return objinst.obj_to_primitive(target_version=target,
                                        version_manifest=object_versions)


class ComputeTaskManager:
    """Orchestration nova-api asks for (namespace ``compute_task``)."""

    # 1.1: cache_images (see conductor/rpcapi.py).
    target = messaging.Target(namespace='compute_task', version='1.1')

    def __init__(self, conf):
        self.conf = conf
        self._builder = build.Builder(conf)
        self._builds = build.BuildQueue(self._builder)
        self._destroys = deletion.DestroyQueue()
        # SQLAlchemy configures every ORM mapper on the first ORM query
        # (about 0.1 s of CPU): at start, not in the first build.
        sa_orm.configure_mappers()
        self._resizer = resize.Resizer(conf)
        self._precacher = image_precache.Precacher(conf)

    def schedule_and_build_instances(self, context, instance_uuids, image):
        self._builds.put(build.BuildOrder(context, instance_uuids, image))

    # Placement for computes (engineer 3): they have no database.
    def update_provider(self, context, uuid, name, inventories, traits):
        return build.update_provider(self._builder.placement, context, uuid,
                                     name, inventories, traits)

    def free_allocations(self, context, instance_uuids):
        self._builder.placement.delete_allocations(context, instance_uuids)

    def destroy_instance(self, context, instance_uuid, host=None,
                         started=None):
        # Ended in a batch with the deletes arriving beside it.
        self._destroys.put(context, instance_uuid, host, started)

    def finish_builds(self, context, finished, host=None, started=None):
        # The ACTIVE writes of a compute's builds that spawned.
        self._builder.finish(context, finished, host, started)

    def build_failed(self, context, instance_uuid, host, alternates, image,
                     message, details):
        build.Rescheduler(self._builder).reschedule(
            context, instance_uuid, host, alternates, image, message,
            details)

    # Resize (nova.conductor.resize): a cast from nova-api, two calls from
    # computes, since only the conductor reaches placement.
    def migrate_server(self, context, instance, flavor, image):
        self._resizer.migrate_server(context, instance, flavor, image)

    @messaging.expected_exceptions(exception.NovaException)
    def revert_resize_allocations(self, context, migration):
        self._resizer.revert_allocations(context, migration)

    @messaging.expected_exceptions(exception.NovaException)
    def confirm_resize_allocations(self, context, migration):
        self._resizer.confirm_allocations(context, migration)

    # Image pre-caching (nova.conductor.image_precache): queued, and run
    # off the RPC threads, one request at a time.
    def cache_images(self, context, aggregate, image_ids):
        self._precacher.submit(context, aggregate, image_ids)

    def cleanup_host(self):
        # Each queue ends what it holds before its stop returns.
        self._builds.stop()
        self._destroys.stop()
        # Hosts not asked yet are not asked; calls under way end within
        # their timeout.
        self._precacher.stop()
