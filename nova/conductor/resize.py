"""The conductor's part of a resize: migration record, scheduling, allocations.

nova-api set the instance's task_state to resize_prep; here the Migration
is created, the old flavor's allocation moves to the migration's uuid
(placement consumer), the scheduler picks a destination for the new
flavor (the current host only with ``allow_resize_to_same_host``) and the
new flavor is claimed for the instance there; then ``prep_resize`` is cast
to the destination (see :mod:`nova.compute.resize` for the rest). When no
host fits, everything is put back and the instance keeps its state with a
fault, as Nova does. Computes call :meth:`Resizer.revert_allocations` and
:meth:`Resizer.confirm_allocations`, since only the conductor reaches
placement.
"""
from oslo_log import log as logging
from oslo_utils import uuidutils

from nova.compute import rpcapi as compute_rpcapi
from nova.compute import states
from nova import context as nova_context
from nova import exception
from nova import objects
from nova.objects import fields
from nova.scheduler import rpcapi as scheduler_rpcapi

LOG = logging.getLogger(__name__)


class Resizer:
    def __init__(self, conf, placement=None):
        self.conf = conf
        self.scheduler = scheduler_rpcapi.SchedulerAPI(conf)
        self.compute = compute_rpcapi.ComputeAPI(conf)
        self._placement = placement

    @property
    def placement(self):
        if self._placement is None:
            from nova.placement import direct
            self._placement = direct.Placement(self.conf)
        return self._placement

    def migrate_server(self, context, instance, flavor, image):
        mapping = objects.InstanceMapping.get_by_instance_uuid(
            context, instance.uuid)
        with nova_context.target_cell(context,
                                      mapping.cell_mapping) as cctxt:
            instance._context = cctxt
            migration = self._new_migration(cctxt, instance, flavor)
            try:
                host = self._schedule(cctxt, instance, flavor, migration)
            except Exception as exc:
                self._abort(cctxt, instance, migration, exc)
                return
            migration.dest_compute = host.service_host
            migration.dest_node = host.nodename
            migration.dest_host = host.service_host
            migration.save()
            self.compute.prep_resize(cctxt, instance, flavor, migration,
                                     image, host.service_host)

    @staticmethod
    def _new_migration(context, instance, flavor):
        migration = objects.Migration(
            context, uuid=uuidutils.generate_uuid(),
            instance_uuid=instance.uuid, source_compute=instance.host,
            source_node=instance.node, dest_compute=None, dest_node=None,
            dest_host=None, old_instance_type_id=instance.flavor.id,
            new_instance_type_id=flavor.id, status='pre-migrating',
            migration_type='resize', hidden=False, cross_cell_move=False,
            user_id=context.user_id, project_id=context.project_id)
        migration.create()
        return migration

    def _schedule(self, context, instance, flavor, migration):
        """Move the old allocation aside, pick and claim a destination."""
        self.placement.move_allocations(context, instance.uuid,
                                        migration.uuid)
        spec = self._request_spec(context, instance, flavor)
        selections = self.scheduler.select_destinations(
            context, spec, [instance.uuid])[0]
        # ignore_hosts says it already; a scheduler that misses it must
        # still not resize onto the source when that is not allowed.
        usable = [s for s in selections
                  if self.conf.allow_resize_to_same_host or
                  s.service_host != instance.host]
        if not usable:
            raise exception.NoValidHost(
                reason='No host other than the current one can take the '
                       'new flavor.')
        selection = usable[0]
        held = self.placement.get_allocations(context, instance.uuid)
        claimed = set(held['allocations'])
        if selection is not selections[0] or \
                claimed != {selection.compute_node_uuid}:
            # The scheduler claimed elsewhere, or only chose: claim here.
            self.placement.claim(
                context, instance.uuid,
                {selection.compute_node_uuid: _resources(flavor)},
                instance.project_id, instance.user_id)
        return selection

    def _request_spec(self, context, instance, flavor):
        try:
            spec = objects.RequestSpec.get_by_instance_uuid(context,
                                                            instance.uuid)
        except exception.RequestSpecNotFound:
            spec = objects.RequestSpec(
                instance_uuid=instance.uuid, project_id=instance.project_id,
                user_id=instance.user_id, image_id=instance.image_ref,
                image_properties={}, num_instances=1,
                availability_zone=instance.availability_zone,
                scheduler_hints={}, is_bfv=False)
        spec.flavor = flavor
        spec.num_instances = 1
        spec.force_hosts = None
        spec.force_nodes = None
        spec.ignore_hosts = (None if self.conf.allow_resize_to_same_host
                             else [instance.host])
        return spec

    def _abort(self, context, instance, migration, exc):
        """Nothing moved yet: put allocations and state back, with a fault.
        """
        LOG.info('Resize of %s not scheduled: %s', instance.uuid, exc)
        migration.status = 'error'
        migration.save()
        try:
            self.placement.move_allocations(context, migration.uuid,
                                            instance.uuid)
        except Exception:
            LOG.exception('Could not give the allocations of migration %s '
                          'back to %s', migration.uuid, instance.uuid)
        states.fail(context, None, _NoDriver(), instance, 'resize',
                    states.now(), exc, expected_task_state=fields.TaskState
                    .RESIZE_PREP, power_state=instance.power_state)

    # -- called by computes ---------------------------------------------------

    def revert_allocations(self, context, migration):
        """The migration's (old flavor) allocation back to the instance,
        replacing what the instance holds on the destination."""
        self.placement.move_allocations(context, migration.uuid,
                                        migration.instance_uuid)

    def confirm_allocations(self, context, migration):
        """Free what the source host held for a revert."""
        self.placement.delete_allocations(context, [migration.uuid])


def _resources(flavor):
    """What one instance of flavor consumes in placement."""
    resources = {'VCPU': flavor.vcpus, 'MEMORY_MB': flavor.memory_mb,
                 'DISK_GB': (flavor.root_gb or 0) + (flavor.ephemeral_gb or 0)}
    return {rc: n for rc, n in resources.items() if n}


class _NoDriver:
    """The conductor has no hypervisor: power states are left as they are."""

    def get_info(self, instance):
        raise exception.InstanceNotFound(instance_id=instance.uuid)
