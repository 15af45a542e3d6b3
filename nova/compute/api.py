"""Orchestration entry for the REST layer: one call per API action.

Handlers parse, authorize and validate, then call exactly one method here.
This module owns the cells v2 lookups (build request, instance mapping,
cell database) and the casts to the conductor and computes.
"""
from oslo_log import log as logging
from oslo_utils import timeutils
from oslo_utils import uuidutils

from nova.compute import image_props
from nova.compute import instance_list
from nova.compute import rpcapi as compute_rpcapi
from nova.compute import scheduling_inputs
from nova.compute import service_delete
from nova.compute import service_status
from nova.compute import snapshot
from nova.compute import states
from nova.conductor import rpcapi as conductor_rpcapi
from nova import context as nova_context
from nova.db import engines
from nova import exception
from nova.image import api as image_api
from nova import objects
from nova.objects import build_request as build_request_obj
from nova.objects import fields
from nova.objects import instance_action

LOG = logging.getLogger(__name__)

GiB = 1024 ** 3
# A server still deleting this many seconds after its delete was sent has
# lost it (its compute or the conductor died holding it): a DELETE then
# sends it again, as Nova's does every time. Sooner, a second DELETE is
# a no-op, so a double click costs no second terminate.
RESEND_DELETE_AFTER = 60
_DELETABLE_TASK_STATES = [None] + [
    s for s in fields.TaskState.ALL if s != fields.TaskState.DELETING]


def _reservation_id():
    return 'r-%s' % uuidutils.generate_uuid()[:8]


def _parse_zone(zone):
    """Split Nova's admin form "zone:host[:node]" (any part may be empty).
    """
    if not zone or ':' not in zone:
        return zone, None, None
    parts = zone.split(':')
    if len(parts) > 3:
        raise exception.Invalid(
            'Unable to parse availability_zone %s.' % zone)
    parts += [''] * (3 - len(parts))
    return tuple(p or None for p in parts)


def _volume_mappings(block_device_mapping, image_href):
    """The mappings that need a volume service.

    The image as the local root disk (what openstackclient always sends)
    is what imageRef says already; anything else needs volumes.
    """
    return [bdm for bdm in block_device_mapping or ()
            if not (bdm.get('source_type') == 'image' and
                    bdm.get('destination_type', 'local') == 'local' and
                    str(bdm.get('boot_index')) == '0' and
                    bdm.get('uuid', image_href) == image_href)]


def _refuse_unsupported(requested_networks, security_groups,
                        block_device_mapping, tags, trusted_certs,
                        injected_files):
    """A clear 400 for what needs back ends this cloud does not have yet.

    There is no network service: "auto" and "none" ask for nothing, and
    only the implicit "default" security group exists.
    """
    if isinstance(requested_networks, list) and requested_networks:
        raise exception.Invalid(
            'This cloud has no networking service yet: requesting specific '
            'networks or ports is not supported; use "auto" or "none".')
    for group in security_groups or ():
        if group != 'default':
            raise exception.Invalid(
                'Security group %s not found.' % group)
    for name, value in (('block_device_mapping', block_device_mapping),
                        ('tags', tags), ('trusted_certs', trusted_certs),
                        ('personality', injected_files)):
        if value:
            raise exception.Invalid(
                '%s is not supported by this cloud yet.' % name)


def _delete_lost(instance):
    """Whether a deleting instance has waited long enough for its
    terminate that it must have been lost (RESEND_DELETE_AFTER)."""
    since = instance.updated_at or instance.created_at
    return since is None or (timeutils.utcnow(with_timezone=True) - since
                             ).total_seconds() > RESEND_DELETE_AFTER


class API:
    def __init__(self, conf, image=None):
        self.conf = conf
        self.image_api = image or image_api.API(conf)
        self.compute_task_api = conductor_rpcapi.ComputeTaskAPI(conf)
        self.compute_rpcapi = compute_rpcapi.ComputeAPI(conf)
        self.hosts_up = service_status.HostStatusCache(conf)

    # -- create ------------------------------------------------------------

    def _checked_image(self, context, image_href, flavor,
                       block_device_mapping=None, zero_disk_allowed=True):
        """The image of a create, checked against the flavor
        (nova.compute.image_props); ``{}`` for a boot from volume."""
        if not image_href:
            if block_device_mapping:
                return {}
            raise exception.MissingImageRef()
        image = self.image_api.get_for_boot(
            context, image_props.image_id_of(image_href))
        image_props.check_image_for_flavor(image, flavor, zero_disk_allowed)
        return image

    def create(self, context, flavor, image_href, name, description=None,
               min_count=1, max_count=1, metadata=None,
               availability_zone=None, key_name=None, user_data=None,
               access_ip_v4=None, access_ip_v6=None, config_drive=None,
               scheduler_hints=None, hostname=None, admin_password=None,
               auto_disk_config=None, requested_networks=None,
               security_groups=None, block_device_mapping=None, tags=None,
               trusted_certs=None, requested_host=None,
               requested_hypervisor_hostname=None, injected_files=None,
               zero_disk_allowed=True):
        """Accept a (multi-)create; return (instances, reservation_id).

        instances are Instance objects (uuid, display_name, vm_state
        'building', task_state 'scheduling', created_at, flavor, metadata
        set; no ``id`` yet). Raises Invalid* (400) for a bad image or a
        flavor too small for it. Every record of every instance is written
        in one API-database transaction, then one cast goes to the
        conductor.
        """
        image = self._checked_image(context, image_href, flavor,
                                    block_device_mapping, zero_disk_allowed)
        if flavor.disabled:
            raise exception.FlavorNotFound(flavor_id=flavor.flavorid)
        _refuse_unsupported(requested_networks, security_groups,
                            _volume_mappings(block_device_mapping,
                                             image_href),
                            tags, trusted_certs, injected_files)
        availability_zone, force_host, force_node = _parse_zone(
            availability_zone)
        availability_zone = scheduling_inputs.checked_zone(
            context, self.conf, availability_zone, self.get_services)
        scheduling_inputs.check_hints(scheduler_hints)
        group = scheduling_inputs.requested_group(context, scheduler_hints)
        force_host = requested_host or force_host
        force_node = requested_hypervisor_hostname or force_node
        count = max_count or min_count or 1
        reservation_id = _reservation_id()
        instances, specs = [], []
        for index in range(count):
            instance = objects.Instance(
                context, uuid=uuidutils.generate_uuid(),
                user_id=context.user_id, project_id=context.project_id,
                image_ref=image_href, display_name=self._name(name, index,
                                                              count),
                display_description=description,
                hostname=hostname or self._hostname(name, index, count),
                vm_state=fields.VMState.BUILDING,
                task_state=fields.TaskState.SCHEDULING,
                power_state=fields.PowerState.NOSTATE,
                memory_mb=flavor.memory_mb, vcpus=flavor.vcpus,
                root_gb=flavor.root_gb, ephemeral_gb=flavor.ephemeral_gb,
                instance_type_id=flavor.id, flavor=flavor,
                old_flavor=None, new_flavor=None,
                metadata=dict(metadata or {}),
                system_metadata=image_props.system_metadata(image, flavor)
                if image else {},
                reservation_id=reservation_id, launch_index=index,
                availability_zone=availability_zone, key_name=key_name,
                user_data=user_data, access_ip_v4=access_ip_v4,
                access_ip_v6=access_ip_v6,
                config_drive='True' if config_drive else '',
                locked=False, progress=0, fault=None,
                auto_disk_config=bool(auto_disk_config),
                created_at=objects.base.now(), updated_at=None,
                launched_at=None, terminated_at=None, deleted=False,
                host=None, node=None, os_type=image.get(
                    'properties', {}).get('os_type'))
            instances.append(instance)
            specs.append(objects.RequestSpec(
                instance_uuid=instance.uuid, project_id=context.project_id,
                user_id=context.user_id, flavor=flavor, image_id=image_href,
                image_properties=image_props.request_spec_properties(
                    image),
                num_instances=count, availability_zone=availability_zone,
                scheduler_hints=scheduler_hints or {}, ignore_hosts=None,
                force_hosts=[force_host] if force_host else None,
                force_nodes=[force_node] if force_node else None,
                is_bfv=False))
        uuids = [i.uuid for i in instances]
        if group is not None:
            group = scheduling_inputs.join_group(context, group, uuids)
        for spec in specs:
            spec.instance_group = group
        try:
            build_request_obj.create_build_records(context, instances, specs)
        except Exception:
            scheduling_inputs.leave_group(context, group, uuids)
            raise
        self.compute_task_api.schedule_and_build_instances(
            context, [i.uuid for i in instances], image)
        return instances, reservation_id

    @staticmethod
    def _name(name, index, count):
        # Nova names multi-create members "<name>-<n>" counting from 1.
        return name if count == 1 else '%s-%d' % (name, index + 1)

    @staticmethod
    def _hostname(name, index, count):
        base = ''.join(c if c.isalnum() or c == '-' else '-'
                       for c in (name or 'server').lower()).strip('-')
        base = (base or 'server')[:63]
        return base if count == 1 else '%s-%d' % (base[:59], index + 1)

    # -- read --------------------------------------------------------------

    def _locate(self, context, instance_id):
        """(cell_mapping or None, build_request or None) of an instance."""
        try:
            mapping = objects.InstanceMapping.get_by_instance_uuid(
                context, instance_id)
        except exception.InstanceMappingNotFound:
            raise exception.InstanceNotFound(instance_id=instance_id)
        if mapping.cell_mapping is not None:
            return mapping, None
        try:
            return mapping, objects.BuildRequest.get_by_instance_uuid(
                context, instance_id)
        except exception.BuildRequestNotFound:
            # Scheduled meanwhile: the mapping now names the cell.
            mapping = objects.InstanceMapping.get_by_instance_uuid(
                context, instance_id)
            if mapping.cell_mapping is None:
                raise exception.InstanceNotFound(instance_id=instance_id)
            return mapping, None

    def get(self, context, instance_id, expected_attrs=None):
        """One Instance, found in its cell or as a build request."""
        if not uuidutils.is_uuid_like(instance_id):
            raise exception.InstanceNotFound(instance_id=instance_id)
        mapping, build_req = self._locate(context, instance_id)
        if not context.is_admin and mapping.project_id != context.project_id:
            raise exception.InstanceNotFound(instance_id=instance_id)
        if build_req is not None:
            instance = build_req.instance
        else:
            with nova_context.target_cell(context,
                                          mapping.cell_mapping) as cctxt:
                instance = objects.Instance.get_by_uuid(
                    cctxt, instance_id,
                    expected_attrs=(['metadata', 'fault']
                                    if expected_attrs is None
                                    else expected_attrs))
        instance._mapping = mapping
        return instance

    def get_all(self, context, search_opts=None, limit=None, marker=None,
                sort_keys=None, sort_dirs=None, expected_attrs=None,
                load_only=None):
        """InstanceList across all cells and build requests.

        load_only: the instance fields the caller reads, every one when
        None (InstanceList.get_listing).
        """
        return instance_list.get_all(
            context, search_opts or {}, limit=limit, marker=marker,
            sort_keys=sort_keys or ['created_at'],
            sort_dirs=sort_dirs or ['desc'],
            expected_attrs=(['metadata', 'fault'] if expected_attrs is None
                            else expected_attrs),
            load_only=load_only)

    # -- snapshots (createImage) -------------------------------------------

    def snapshot(self, context, instance, name, extra_properties=None):
        """Start a snapshot of instance (nova.compute.snapshot); return
        the queued image. 409 unless the state table allows it."""
        mapping = getattr(instance, '_mapping', None)
        if mapping is None:
            mapping, _ = self._locate(context, instance.uuid)
        if mapping.cell_mapping is None:
            raise exception.InstanceInvalidState(
                method='createImage', instance_uuid=instance.uuid,
                attr='vm_state', state=instance.vm_state)
        with nova_context.target_cell(context,
                                      mapping.cell_mapping) as cctxt:
            return snapshot.start(context, cctxt, instance, name,
                                  extra_properties, self.image_api,
                                  self.compute_rpcapi)

    # -- server actions (nova.compute.states holds the table) ---------------

    def _action_target(self, context, instance, name, need_host=True):
        """The cell context of an action on instance; refuses a locked
        instance (409 unless admin), a state the table forbids (409) and,
        when need_host, an instance without a host (409 not ready)."""
        if instance.locked and not context.is_admin:
            raise exception.InstanceIsLocked(instance_uuid=instance.uuid)
        mapping = getattr(instance, '_mapping', None)
        if mapping is None:
            mapping, _ = self._locate(context, instance.uuid)
        # The table first (a building server is refused here), then the
        # host: a server that never got one has nobody to act.
        states.rule_for(name).check(instance)
        if need_host and not instance.host:
            raise exception.InstanceNotReady(instance_id=instance.uuid)
        return nova_context.target_cell(context, mapping.cell_mapping)

    def _simple_action(self, context, instance, name, cast, **cast_args):
        with self._action_target(context, instance, name) as cctxt:
            instance._context = cctxt
            states.begin(cctxt, instance, name)
            cast(cctxt, instance, **cast_args)

    def reboot(self, context, instance, reboot_type):
        """SOFT or HARD reboot (Nova's ALLOW_*_REBOOT rules)."""
        name = 'reboot' if reboot_type == 'SOFT' else 'reboot_hard'
        self._simple_action(context, instance, name,
                            self.compute_rpcapi.reboot_instance,
                            reboot_type=reboot_type)

    def stop(self, context, instance, clean_shutdown=True):
        self._simple_action(context, instance, 'stop',
                            self.compute_rpcapi.stop_instance,
                            clean_shutdown=clean_shutdown)

    def start(self, context, instance):
        self._simple_action(context, instance, 'start',
                            self.compute_rpcapi.start_instance)

    def pause(self, context, instance):
        self._simple_action(context, instance, 'pause',
                            self.compute_rpcapi.pause_instance)

    def unpause(self, context, instance):
        self._simple_action(context, instance, 'unpause',
                            self.compute_rpcapi.unpause_instance)

    def suspend(self, context, instance):
        self._simple_action(context, instance, 'suspend',
                            self.compute_rpcapi.suspend_instance)

    def resume(self, context, instance):
        self._simple_action(context, instance, 'resume',
                            self.compute_rpcapi.resume_instance)

    def rescue(self, context, instance, rescue_password,
               rescue_image_ref=None):
        """Boot from rescue_image_ref (default: the instance's image)."""
        image_ref = rescue_image_ref or instance.image_ref
        image = self.image_api.get(context, image_ref) if image_ref else {}
        self._simple_action(context, instance, 'rescue',
                            self.compute_rpcapi.rescue_instance,
                            rescue_password=rescue_password, image=image)

    def unrescue(self, context, instance):
        self._simple_action(context, instance, 'unrescue',
                            self.compute_rpcapi.unrescue_instance)

    def get_console_output(self, context, instance, tail_length=None):
        """The console text from the host (a call with a timeout)."""
        if instance.task_state in states.CONSOLE_REFUSED_TASK_STATES:
            raise exception.InstanceInvalidState(
                method='get_console_output', instance_uuid=instance.uuid,
                attr='task_state', state=instance.task_state)
        if not instance.host:
            raise exception.InstanceNotReady(instance_id=instance.uuid)
        return self.compute_rpcapi.get_console_output(
            context, instance, tail_length,
            timeout=self.conf.console_output_timeout)

    def resize(self, context, instance, flavor):
        """Start a resize to flavor; the conductor schedules it."""
        if flavor.id == instance.flavor.id:
            raise exception.CannotResizeToSameFlavor()
        if flavor.disabled:
            raise exception.Invalid('Unable to locate requested flavor.')
        if not flavor.root_gb and instance.flavor.root_gb:
            raise exception.CannotResizeDisk(
                reason='Resize to zero disk flavor is not allowed.')
        image = self._image_or_empty(context, instance.image_ref)
        with self._action_target(context, instance, 'resize') as cctxt:
            instance._context = cctxt
            states.begin(cctxt, instance, 'resize')
            self.compute_task_api.migrate_server(cctxt, instance, flavor,
                                                 image)

    def _image_or_empty(self, context, image_ref):
        try:
            return self.image_api.get(context, image_ref) if image_ref \
                else {}
        except exception.ImageNotFound:
            return {}  # a deleted image does not stop a resize

    def confirm_resize(self, context, instance):
        self._resize_decision(context, instance, 'confirm_resize',
                              'confirming',
                              self.compute_rpcapi.confirm_resize)

    def revert_resize(self, context, instance):
        self._resize_decision(context, instance, 'revert_resize',
                              'reverting', self.compute_rpcapi.revert_resize)

    def _confirm_resize_on_delete(self, cctxt, instance):
        """A server deleted in VERIFY_RESIZE: confirm first, as Nova does,
        so the source host's guest and allocation go too."""
        try:
            migration = objects.Migration.get_by_instance_and_status(
                cctxt, instance.uuid, 'finished')
        except exception.MigrationNotFound:
            return
        migration.status = 'confirming'
        migration.save()
        self.compute_rpcapi.confirm_resize(cctxt, instance, migration)

    def _resize_decision(self, context, instance, name, status, cast):
        with self._action_target(context, instance, name) as cctxt:
            instance._context = cctxt
            states.rule_for(name).check(instance)
            try:
                migration = objects.Migration.get_by_instance_and_status(
                    cctxt, instance.uuid, 'finished')
            except exception.MigrationNotFound:
                raise exception.Invalid('Instance has not been resized.')
            states.begin(cctxt, instance, name)
            migration.status = status
            migration.save()
            cast(cctxt, instance, migration)

    # -- services ----------------------------------------------------------

    def get_services(self, context, host=None, binary=None):
        """Services of every cell (cell0 has none), in one list."""
        result = []
        for cell in objects.CellMappingList.get_all_cached(context):
            if cell.is_cell0:
                continue
            with nova_context.target_cell(context, cell) as cctxt:
                result.extend(objects.ServiceList.get_all(
                    cctxt, binary=binary, host=host))
        return result

    def find_service(self, context, uuid=None, host=None, binary=None):
        """The service with this uuid, or this host and binary, in any
        cell; ServiceNotFound if none."""
        for service in self.get_services(context, host=host, binary=binary):
            if uuid is None or service.uuid == uuid:
                return service
        raise exception.ServiceNotFound(service_id=uuid or host)

    def update_service(self, context, service, **values):
        """Save disabled/disabled_reason/forced_down on the service.

        A compute's resource tracker turns ``disabled`` into the
        COMPUTE_STATUS_DISABLED trait on its next report; the scheduler's
        ComputeFilter reads the service records, so it acts at once.
        """
        for name, value in values.items():
            setattr(service, name, value)
        service.save()
        return service

    # -- delete ------------------------------------------------------------

    def delete_server(self, context, instance_id, authorize):
        """DELETE /servers/{id}: find, authorize (``authorize(instance)``
        raises to refuse) and delete.

        A server on a host costs one cell transaction (the instance read,
        its compare-and-set to deleting and its ``delete`` action); the
        compute's last step marks the mapping queued_for_delete
        (conductor.deletion), so only the cell commits here. With one
        cell (besides cell0) the server is
        looked for there first; the mapping (one API-database read) is read
        only when it is not there, or when there are several cells.
        """
        if not uuidutils.is_uuid_like(instance_id):
            raise exception.InstanceNotFound(instance_id=instance_id)
        only_cell = self._only_cell(context)
        if only_cell is not None and self._delete_found_in(
                context, only_cell, instance_id, authorize):
            return
        with engines.api_reader(context):
            mapping, build_req = self._locate(context, instance_id)
        if not context.is_admin and mapping.project_id != context.project_id:
            raise exception.InstanceNotFound(instance_id=instance_id)
        if build_req is None:
            if not self._delete_found_in(context, mapping.cell_mapping,
                                         instance_id, authorize,
                                         mapping=mapping):
                raise exception.InstanceNotFound(instance_id=instance_id)
            return
        # Still building: its own transactions, since the conductor may
        # move it into a cell meanwhile (delete() then reads it again).
        instance = build_req.instance
        instance._mapping = mapping
        authorize(instance)
        self.delete(context, instance)

    @staticmethod
    def _only_cell(context):
        """The one cell besides cell0, when there is only one (the cached
        list: a cell added since is found through the mapping)."""
        cells = [c for c in objects.CellMappingList.get_all_cached(context)
                 if not c.is_cell0]
        return cells[0] if len(cells) == 1 else None

    def _delete_found_in(self, context, cell, instance_id, authorize,
                         mapping=None):
        """Delete the instance if it is in this cell: one cell transaction
        (its brief read, its compare-and-set to deleting, its delete
        action). False when the cell has no such instance (still a build
        request, in cell0, or nowhere: the mapping says)."""
        with nova_context.target_cell(context, cell) as cctxt, \
                engines.main_writer(cctxt):
            try:
                # Brief: the few columns a delete decides on; the compute
                # loads more only if its driver needs them.
                instance = objects.Instance.get_brief(cctxt, instance_id)
            except exception.InstanceNotFound:
                return False
            if not context.is_admin and \
                    instance.project_id != context.project_id:
                raise exception.InstanceNotFound(instance_id=instance_id)
            authorize(instance)
            compute_finishes = self._delete_in_cell(cctxt, instance, cell)
        if not compute_finishes:
            mapping = mapping or objects.InstanceMapping.get_by_instance_uuid(
                context, instance_id)
            mapping.queued_for_delete = True
            mapping.save()
        return True

    def delete(self, context, instance):
        """Delete an instance (or its build request). Returns at once; the
        compute finishes the deletion.

        ``instance`` is what get() returned in this request: its mapping
        rides along, and the compare-and-set on task_state settles races
        with builds and other deletes, so nothing is read twice.
        """
        mapping = getattr(instance, '_mapping', None)
        if mapping is None:
            mapping, _ = self._locate(context, instance.uuid)
        if mapping.cell_mapping is None:
            if objects.BuildRequest.destroy_many(context, [instance.uuid]):
                # Its build request was gone: the conductor has just put
                # the instance in a cell. Delete it there.
                return self.delete(context, self.get(context, instance.uuid))
        else:
            with nova_context.target_cell(context,
                                          mapping.cell_mapping) as cctxt:
                if self._delete_in_cell(cctxt, instance,
                                        mapping.cell_mapping):
                    return  # its compute marks the mapping at the end
        mapping.queued_for_delete = True
        mapping.save()

    def _delete_in_cell(self, cctxt, instance, cell):
        """Delete the instance here, or set it deleting and cast to its
        compute. True when a compute finishes the delete (and marks the
        mapping); False when it was deleted here."""
        if instance.locked and not cctxt.is_admin:
            raise exception.InstanceIsLocked(instance_uuid=instance.uuid)
        instance._context = cctxt
        if instance.task_state == fields.TaskState.DELETING:
            if not _delete_lost(instance):
                return True  # on its way out: Nova answers 204 again
            LOG.info('Instance %s has been deleting since %s: sending its '
                     'delete again', instance.uuid, instance.updated_at)
            return self._send_delete(cctxt, instance)
        if cell.is_cell0 or not instance.host:
            instance.destroy()
            return False
        return self._delete_on_host(cctxt, instance)

    def _delete_on_host(self, cctxt, instance):
        instance.task_state = fields.TaskState.DELETING
        # Any state but "deleting" may be deleted; the compare-and-set
        # makes a concurrent second delete a no-op instead of a double cast.
        # The delete action goes in the same transaction (the DELETE's own
        # when it has one), as Nova records it: not for a delete already
        # under way; the compute's event ends it (conductor.deletion).
        try:
            with engines.main_writer(cctxt):
                instance.save(expected_task_state=_DELETABLE_TASK_STATES)
                objects.InstanceAction.start_many(
                    cctxt, [instance.uuid], instance_action.Actions.DELETE)
        except exception.UnexpectedDeletingTaskStateError:
            return True
        if instance.vm_state == fields.VMState.RESIZED:
            self._confirm_resize_on_delete(cctxt, instance)
        return self._send_delete(cctxt, instance)

    def _send_delete(self, cctxt, instance):
        """Cast the terminate to the instance's host; True. With the host
        down, delete the record here instead; False."""
        if self.hosts_up.is_up(cctxt, instance.host):
            self.compute_rpcapi.terminate_instance(cctxt, instance)
            return True
        # Nobody would answer: delete the record here, as Nova's "local
        # delete" does; the guest is reaped if the host returns.
        LOG.warning('Compute %s is down; deleting %s locally',
                    instance.host, instance.uuid)
        instance.destroy()
        # Its host cannot free its placement allocation: we do.
        self.compute_task_api.free_allocations(cctxt, [instance.uuid])
        return False

    # -- services (delete) -------------------------------------------------

    def delete_service(self, context, uuid=None, id=None):
        """DELETE /os-services/{id}: the service with this uuid (2.53+) or
        integer id, with what a compute service leaves in the cell, the API
        database and placement (nova.compute.service_delete)."""
        service_delete.delete(context, uuid=uuid, service_id=id)
