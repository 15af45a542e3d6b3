"""Resize workflows on the compute hosts.

The conductor created the Migration, moved the old flavor's allocation
to the migration's uuid, had the scheduler pick a destination (claiming
the new flavor for the instance) and casts ``prep_resize`` there::

    dest   prep_resize      resize_prep       (new_flavor recorded)
    source resize_instance  resize_migrating  driver.migrate_disk_and_power_off
                            resize_migrated
    dest   finish_resize    resize_finish     driver.finish_migration
                            -> vm_state resized (VERIFY_RESIZE)
    source confirm_resize   resize_confirming driver.confirm_migration,
                            migration allocation freed -> active/stopped
    dest   revert_resize    resize_reverting  driver.
                            cleanup_migration_destination, allocations
                            moved back
    source finish_revert_resize               driver.finish_revert_migration
                            -> active/stopped on the old flavor

Source and destination may be one host. ``mgr`` is the ComputeManager
(host, driver, conf, compute_rpcapi, compute_task_api). A failure before
the guest moved puts everything back (guest, allocations, vm_state) with
a fault; a failure after it leaves the instance in ERROR with a fault.
"""
from oslo_log import log as logging

from nova.compute import states
from nova import exception
from nova import objects
from nova.objects import fields
from nova.objects import migration as migration_obj
from nova.virt import driver as virt_driver

LOG = logging.getLogger(__name__)
T, V, P = fields.TaskState, fields.VMState, fields.PowerState


def _apply_flavor(instance, flavor):
    instance.flavor = flavor
    instance.instance_type_id = flavor.id
    instance.memory_mb = flavor.memory_mb
    instance.vcpus = flavor.vcpus
    instance.root_gb = flavor.root_gb
    instance.ephemeral_gb = flavor.ephemeral_gb


def _set_migration(migration, status):
    migration.status = status
    try:
        migration.save()
    except exception.MigrationNotFound:
        LOG.warning('Migration %s vanished', migration.uuid)


def _roll_back(context, mgr, instance, migration, exc, started,
               restore_guest):
    """Undo a resize that has not reached the destination's guest yet."""
    if restore_guest and instance.vm_state == V.ACTIVE and \
            virt_driver.supports(mgr.driver, 'resize') and \
            states.power_state_of(mgr.driver, instance) != P.RUNNING:
        try:
            mgr.driver.finish_revert_migration(context, migration, instance,
                                               power_on=True)
        except Exception:
            LOG.exception('Could not restart %s after a failed resize',
                          instance.uuid)
    _set_migration(migration, 'error')
    _revert_allocations(context, mgr, migration)
    states.fail(context, mgr.host, mgr.driver, instance, 'resize', started,
                exc, expected_task_state=list(states.RESIZE_STEPS[:3]),
                old_flavor=None, new_flavor=None)


def _abandon(context, mgr, migration):
    """The instance is being deleted (the only action a resize in progress
    allows): its delete frees the instance's allocations, we free the
    migration's."""
    _set_migration(migration, 'error')
    try:
        mgr.compute_task_api.confirm_resize_allocations(context, migration)
    except Exception:
        LOG.exception('Could not free the allocations of migration %s',
                      migration.uuid)


def _revert_allocations(context, mgr, migration):
    try:
        mgr.compute_task_api.revert_resize_allocations(context, migration)
    except Exception:
        LOG.exception('Could not move the allocations of migration %s back '
                      'to instance %s', migration.uuid,
                      migration.instance_uuid)


def prep_resize(context, mgr, instance, flavor, migration, image):
    """On the destination: check we can, record the flavors, go on."""
    started = states.now()
    try:
        virt_driver.require(mgr.driver, 'resize', instance.uuid)
        instance.old_flavor = instance.flavor
        instance.new_flavor = flavor
        instance.save(expected_task_state=T.RESIZE_PREP)
    except (exception.UnexpectedTaskStateError,
            exception.InstanceNotFound):
        _abandon(context, mgr, migration)
        return
    except Exception as exc:
        _roll_back(context, mgr, instance, migration, exc, started, False)
        return
    mgr.compute_rpcapi.resize_instance(context, instance, migration, flavor,
                                       image)


def resize_instance(context, mgr, instance, migration, flavor, image):
    """On the source: stop the guest and set its disks aside."""
    started = states.now()
    try:
        instance.task_state = T.RESIZE_MIGRATING
        instance.save(expected_task_state=T.RESIZE_PREP)
    except (exception.UnexpectedTaskStateError,
            exception.InstanceNotFound):
        _abandon(context, mgr, migration)
        return
    try:
        virt_driver.require(mgr.driver, 'resize', instance.uuid)
        _set_migration(migration, 'migrating')
        disk_info = mgr.driver.migrate_disk_and_power_off(
            context, instance, migration, flavor,
            mgr.conf.shutdown_timeout, mgr.conf.shutdown_retry_interval)
    except Exception as exc:
        _roll_back(context, mgr, instance, migration, exc, started, True)
        return
    _set_migration(migration, 'post-migrating')
    instance.task_state = T.RESIZE_MIGRATED
    try:
        instance.save(expected_task_state=T.RESIZE_MIGRATING)
    except (exception.UnexpectedTaskStateError,
            exception.InstanceNotFound):
        _abandon(context, mgr, migration)
        return
    mgr.compute_rpcapi.finish_resize(context, instance, migration,
                                     disk_info, image)


def finish_resize(context, mgr, instance, migration, disk_info, image):
    """On the destination: build the guest with the new flavor."""
    started = states.now()
    power_on = instance.vm_state != V.STOPPED
    try:
        instance.task_state = T.RESIZE_FINISH
        _apply_flavor(instance, instance.new_flavor)
        instance.host = migration.dest_compute
        instance.node = migration.dest_node
        instance.save(expected_task_state=T.RESIZE_MIGRATED)
    except (exception.UnexpectedTaskStateError,
            exception.InstanceNotFound) as exc:
        LOG.warning('Resize of %s abandoned: %s', instance.uuid, exc)
        _abandon(context, mgr, migration)
        return
    try:
        mgr.driver.finish_migration(context, migration, instance, disk_info,
                                    image, power_on=power_on)
    except Exception as exc:
        _set_migration(migration, 'error')
        states.fail(context, mgr.host, mgr.driver, instance, 'resize',
                    started, exc, vm_state=V.ERROR,
                    expected_task_state=T.RESIZE_FINISH)
        return
    _set_migration(migration, 'finished')
    states.finish(context, mgr.host, mgr.driver, instance, 'resize', started,
                  vm_state=V.RESIZED, expected_task_state=T.RESIZE_FINISH)


def confirm_resize(context, mgr, instance, migration):
    """On the source: forget the old guest, free the old allocation."""
    started = states.now()
    try:
        mgr.driver.confirm_migration(context, migration, instance)
        mgr.compute_task_api.confirm_resize_allocations(context, migration)
    except Exception as exc:
        _set_migration(migration, 'error')
        states.fail(context, mgr.host, mgr.driver, instance,
                    'confirm_resize', started, exc, vm_state=V.ERROR,
                    power_state=instance.power_state)
        return
    _set_migration(migration, 'confirmed')
    states.finish(context, mgr.host, mgr.driver, instance, 'confirm_resize',
                  started, vm_state=_settled_vm_state(instance),
                  power_state=instance.power_state, old_flavor=None,
                  new_flavor=None)


def _settled_vm_state(instance):
    # A guest resized while stopped stays stopped (Nova's old_vm_state).
    return V.ACTIVE if instance.power_state == P.RUNNING else V.STOPPED


def revert_resize(context, mgr, instance, migration):
    """On the destination: drop the resized guest, hand back to source."""
    started = states.now()
    try:
        mgr.driver.cleanup_migration_destination(context, migration,
                                                 instance)
        mgr.compute_task_api.revert_resize_allocations(context, migration)
    except Exception as exc:
        _set_migration(migration, 'error')
        states.fail(context, mgr.host, mgr.driver, instance, 'revert_resize',
                    started, exc, vm_state=V.ERROR)
        return
    mgr.compute_rpcapi.finish_revert_resize(context, instance, migration)


def finish_revert_resize(context, mgr, instance, migration):
    """On the source: the old guest back, with the old flavor."""
    started = states.now()
    power_on = instance.power_state == P.RUNNING
    try:
        _apply_flavor(instance, instance.old_flavor)
        instance.host = migration.source_compute
        instance.node = migration.source_node
        mgr.driver.finish_revert_migration(context, migration, instance,
                                           power_on=power_on)
    except Exception as exc:
        _set_migration(migration, 'error')
        states.fail(context, mgr.host, mgr.driver, instance, 'revert_resize',
                    started, exc, vm_state=V.ERROR)
        return
    _set_migration(migration, 'reverted')
    states.finish(context, mgr.host, mgr.driver, instance, 'revert_resize',
                  started, vm_state=V.ACTIVE if power_on else V.STOPPED,
                  old_flavor=None, new_flavor=None)


# -- recovery at start-up -----------------------------------------------------

def recover(context, mgr, instance):
    """Finish or undo a resize step a crash of this host interrupted.

    Before the guest moved (resize_prep, resize_migrating on the source)
    the resize is undone; a confirm is sent to the source again; anything
    else ends in ERROR with a fault (an operator decides), never stuck.
    """
    try:
        migration = _migration_of(context, instance)
    except exception.MigrationNotFound:
        migration = None
    state = instance.task_state
    started = states.now()
    exc = exception.ResizeError(
        reason='the compute service restarted during %s' % state)
    if migration is not None and state in (T.RESIZE_PREP,
                                           T.RESIZE_MIGRATING):
        _roll_back(context, mgr, instance, migration, exc, started, True)
    elif migration is not None and state == T.RESIZE_CONFIRMING:
        # The instance lives on the destination; the confirm is the
        # source's job (it may be this host).
        mgr.compute_rpcapi.confirm_resize(context, instance, migration)
    else:
        if migration is not None:
            _set_migration(migration, 'error')
        name = 'revert_resize' if state == T.RESIZE_REVERTING else 'resize'
        states.fail(context, mgr.host, mgr.driver, instance, name, started,
                    exc, vm_state=V.ERROR, expected_task_state=state)


def _migration_of(context, instance):
    return objects.Migration.get_by_instance_and_status(
        context, instance.uuid, list(migration_obj.IN_PROGRESS))
