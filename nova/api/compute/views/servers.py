"""Server bodies.

Built to be cheap for a page of a thousand servers: everything that depends
on the request (microversion switches, policy decisions, link prefixes) is
decided once in ``ServerView.__init__``; what needs other records (host
status, request specs) is fetched once per page by :meth:`prefetch`; each
server then costs only dictionary work. Instance fields are read from the
object's set values, never lazy-loaded.
"""
import datetime
import hashlib

from nova.api.compute.views import links as links_view
from nova.api.compute.views import server_extras
from nova.api import wsgi
from nova.objects import fields
from nova.policies import flavor_extra_specs as fes_policies
from nova.policies import servers as policies

COLLECTION = 'servers'
_V, _T = fields.VMState, fields.TaskState
_REBUILD = {'rebuilding': 'REBUILD', 'rebuild_block_device_mapping':
            'REBUILD', 'rebuild_spawning': 'REBUILD'}
_RESIZE = {'resize_prep': 'RESIZE', 'resize_migrating': 'RESIZE',
           'resize_migrated': 'RESIZE', 'resize_finish': 'RESIZE'}
# vm_state -> {task_state: status}; None is the status of any other task.
STATUS = {
    _V.ACTIVE: dict({None: 'ACTIVE',
                     'rebooting': 'REBOOT', 'reboot_pending': 'REBOOT',
                     'reboot_started': 'REBOOT',
                     'rebooting_hard': 'HARD_REBOOT',
                     'reboot_pending_hard': 'HARD_REBOOT',
                     'reboot_started_hard': 'HARD_REBOOT',
                     'updating_password': 'PASSWORD',
                     'migrating': 'MIGRATING'}, **_REBUILD, **_RESIZE),
    _V.BUILDING: {None: 'BUILD'},
    _V.STOPPED: dict({None: 'SHUTOFF'}, **_REBUILD, **_RESIZE),
    _V.RESIZED: {None: 'VERIFY_RESIZE', 'resize_reverting': 'REVERT_RESIZE'},
    _V.PAUSED: {None: 'PAUSED', 'migrating': 'MIGRATING'},
    _V.SUSPENDED: {None: 'SUSPENDED'},
    _V.RESCUED: {None: 'RESCUE'},
    _V.ERROR: dict({None: 'ERROR'}, **_REBUILD),
    _V.DELETED: {None: 'DELETED'},
    _V.SOFT_DELETED: {None: 'SOFT_DELETED'},
    _V.SHELVED: {None: 'SHELVED'},
    _V.SHELVED_OFFLOADED: {None: 'SHELVED_OFFLOADED'},
}
_PROGRESS = frozenset(['ACTIVE', 'BUILD', 'REBUILD', 'RESIZE',
                       'VERIFY_RESIZE', 'MIGRATING'])
_FAULT = frozenset(['ERROR', 'DELETED'])
_SRV_ATTRS_23 = ('reservation_id', 'launch_index', 'hostname', 'kernel_id',
                 'ramdisk_id', 'root_device_name', 'user_data')
# The instance fields bodies read (side attributes aside); a list reads
# only these columns (ServerView.fields).
_BASIC_FIELDS = ('uuid', 'display_name', 'vm_state')
_DETAIL_FIELDS = ('uuid', 'display_name', 'vm_state', 'task_state',
                  'power_state', 'progress', 'project_id', 'user_id', 'host',
                  'image_ref', 'flavor', 'created_at', 'updated_at',
                  'launched_at', 'terminated_at', 'access_ip_v4',
                  'access_ip_v6', 'auto_disk_config', 'availability_zone',
                  'config_drive', 'key_name')
_UTC = datetime.timezone.utc
_combine = datetime.datetime.combine
_UNSET = object()


def status(vm_state, task_state):
    """The API status of a (vm_state, task_state) pair, as Nova shows it."""
    by_task = STATUS.get(vm_state)
    if by_task is None:
        return 'UNKNOWN'
    return by_task.get(task_state) or by_task[None]


def states_of(statuses):
    """(vm_states, task_states) a status filter stands for; task_states is
    None when any task state matches. Unknown statuses match nothing."""
    wanted = {s.strip().upper() for s in statuses}
    vm_states, task_states, any_task = set(), set(), False
    for vm_state, by_task in STATUS.items():
        for task_state, name in by_task.items():
            if name in wanted:
                vm_states.add(vm_state)
                if task_state is None:
                    any_task = True
                else:
                    task_states.add(task_state)
    return sorted(vm_states), None if any_task else sorted(task_states)


def _isotime(value):
    """wsgi.isotime at half the cost (strftime and a tz conversion): a
    list formats two per server."""
    if value is None:
        return None
    if value.tzinfo is not None and value.tzinfo is not _UTC:
        value = value.astimezone(_UTC)
    return '%04d-%02d-%02dT%02d:%02d:%02dZ' % (
        value.year, value.month, value.day, value.hour, value.minute,
        value.second)


def _usage_time(value):
    # The wall time with microseconds, any UTC offset left off (formatting
    # a naive datetime is cheaper than an aware one, even with combine()).
    return _combine(value.date(), value.time()).isoformat(
        timespec='microseconds') if value else None


def is_partial(instance):
    """A minimal record of a server in a cell that did not answer."""
    return '_obj_vm_state' not in instance.__dict__


class ServerView:
    def __init__(self, req):
        self.req = req
        self.links = links_view.Links(req)
        v = self.version = req.api_version
        self.admin = req.context.is_admin
        self.extended = req.can(policies.EXTENDED_ATTRIBUTES, fatal=False)
        self.srv_attrs = ('host', 'node', 'name') + (
            _SRV_ATTRS_23 if v >= (2, 3) else ())
        self.hostname_for_all = v >= (2, 90)
        self.embedded_flavor = v >= (2, 47)
        self.flavor_extra_specs = self.embedded_flavor and req.can(
            fes_policies.POLICY_ROOT % 'index', fatal=False)
        self.host_status = None
        if v >= (2, 16):
            if req.can(policies.SERVERS % 'show:host_status', fatal=False):
                self.host_status = 'all'
            elif req.can(policies.SERVERS % 'show:host_status:unknown-only',
                         fatal=False):
                self.host_status = 'unknown-only'
        self.partial_ok = v >= (2, 69)
        self.detail_fields = self._detail_fields()
        self._host_statuses = {}
        self._specs = {}
        self._with_groups = False   # server_groups (2.71): show only
        self._groups = {}
        # Pieces many servers of a page share (a page has few hosts,
        # flavors and images): built once, the same dict in every body.
        self._host_ids = {}
        self._flavors = {}
        self._images = {}

    def _detail_fields(self):
        fields_ = list(_DETAIL_FIELDS)
        if self.extended:
            fields_ += [_SRV_ATTR_FIELDS.get(a, a) for a in self.srv_attrs]
        elif self.hostname_for_all:
            fields_.append('hostname')
        if self.version >= (2, 9):
            fields_ += ['locked', 'locked_by']
        if self.version >= (2, 19):
            fields_.append('display_description')
        return tuple(fields_)

    def fields(self, detail):
        """The instance fields the bodies read (side attributes aside):
        a list reads only these columns."""
        return self.detail_fields if detail else _BASIC_FIELDS

    # -- per page ----------------------------------------------------------

    def prefetch(self, instances):
        """Fetch, once for the page, what bodies need beyond instances."""
        if self.host_status:
            self._host_statuses = server_extras.host_statuses(
                self.req.context, instances,
                self.req.services.conf.service_down_time)
        if self.version >= (2, 96):
            self._specs = server_extras.request_spec_fields(
                self.req.context, [i.uuid for i in instances],
                ('availability_zone', 'scheduler_hints'))
        if self._with_groups:
            self._groups = server_extras.server_groups(
                self.req.context, [i.uuid for i in instances])

    # -- bodies ------------------------------------------------------------

    def basic(self, instance):
        if is_partial(instance):
            return {'id': instance.uuid, 'status': 'UNKNOWN',
                    'links': self.links.pair(COLLECTION, instance.uuid)}
        return {'id': instance.uuid, 'name': instance.display_name,
                'links': self.links.pair(COLLECTION, instance.uuid)}

    def detail(self, instance):
        # Read the object's stored values (``_obj_<field>``) directly: no
        # per-field property machinery, no lazy loads; a thousand of these
        # must stay cheap. An unset field reads as None.
        g = instance.__dict__.get
        vm_state = g('_obj_vm_state', _UNSET)
        if vm_state is _UNSET:
            return self._partial(instance, show=False)
        task_state = g('_obj_task_state')
        uuid = g('_obj_uuid')
        state = status(vm_state, task_state)
        host = g('_obj_host')
        project_id = g('_obj_project_id') or ''
        metadata = g('_obj_metadata')
        body = {
            'id': uuid,
            'name': g('_obj_display_name'),
            'status': state,
            'tenant_id': project_id,
            'user_id': g('_obj_user_id') or '',
            'metadata': dict(metadata) if metadata else {},
            'hostId': self._host_id(project_id, host),
            'image': self._image(g('_obj_image_ref'),
                                 g('_obj_system_metadata')),
            'flavor': self._flavor(g('_obj_flavor')),
            'created': _isotime(g('_obj_created_at')),
            'updated': _isotime(g('_obj_updated_at')),
            'addresses': {},
            'accessIPv4': str(g('_obj_access_ip_v4') or ''),
            'accessIPv6': str(g('_obj_access_ip_v6') or ''),
            'links': self.links.pair(COLLECTION, uuid),
            'OS-DCF:diskConfig': 'AUTO' if g('_obj_auto_disk_config')
            else 'MANUAL',
            'OS-EXT-AZ:availability_zone': g('_obj_availability_zone') or '',
            'config_drive': g('_obj_config_drive') or '',
            'key_name': g('_obj_key_name'),
            'OS-SRV-USG:launched_at': _usage_time(g('_obj_launched_at')),
            'OS-SRV-USG:terminated_at': _usage_time(g('_obj_terminated_at')),
            'OS-EXT-STS:task_state': task_state,
            'OS-EXT-STS:vm_state': vm_state,
            'OS-EXT-STS:power_state': g('_obj_power_state'),
            'os-extended-volumes:volumes_attached': [],
        }
        if state in _PROGRESS:
            body['progress'] = g('_obj_progress') or 0
        if state in _FAULT and g('_obj_fault'):
            body['fault'] = self._fault(g('_obj_fault'))
        if self.extended:
            for attr in self.srv_attrs:
                body[_SRV_ATTR_KEYS[attr]] = (instance.name if attr == 'name'
                                              else g('_obj_' + attr))
        elif self.hostname_for_all:
            body['OS-EXT-SRV-ATTR:hostname'] = g('_obj_hostname')
        if self.version >= (2, 9):
            self._add_versioned(body, g, host, uuid)
        return body

    def _add_versioned(self, body, g, host, uuid):
        v = self.version
        if self.host_status:
            value = self._host_statuses.get(host, '') if host else ''
            if self.host_status == 'all' or value == 'UNKNOWN':
                body['host_status'] = value
        body['locked'] = bool(g('_obj_locked') or g('_obj_locked_by'))
        if v >= (2, 19):
            body['description'] = g('_obj_display_description')
        if v >= (2, 26):
            body['tags'] = []
        if v >= (2, 63):
            body['trusted_image_certificates'] = None
        if v >= (2, 73):
            body['locked_reason'] = (g('_obj_system_metadata') or {}).get(
                'locked_reason') if body['locked'] else None
        if v >= (2, 96):
            spec = self._specs.get(uuid, {})
            body['pinned_availability_zone'] = spec.get('availability_zone')
            if v >= (2, 100):
                body['scheduler_hints'] = spec.get('scheduler_hints') or {}

    def show(self, instance):
        if is_partial(instance):
            return {'server': self._partial(instance, show=True)}
        self._with_groups = self.version >= (2, 71)
        self.prefetch([instance])
        body = self.detail(instance)
        if self.version >= (2, 71):
            body['server_groups'] = self._groups.get(instance.uuid, [])
        return {'server': body}

    def index(self, instances, detail, max_limit):
        if detail:
            self.prefetch(instances)
        build = self.detail if detail else self.basic
        items = [build(i) for i in instances
                 if self.partial_ok or not is_partial(i)]
        body = {'servers': items}
        name = COLLECTION + '/detail' if detail else COLLECTION
        next_link = links_view.collection_links(self.req, self.links, items,
                                                name, max_limit)
        if next_link:
            body['servers_links'] = next_link
        return body

    def create(self, instance, admin_password, security_groups):
        body = {'id': instance.uuid,
                'links': self.links.pair(COLLECTION, instance.uuid),
                'OS-DCF:diskConfig': 'AUTO' if instance.obj_attr_is_set(
                    'auto_disk_config') and instance.auto_disk_config
                else 'MANUAL',
                'security_groups': [{'name': n} for n in security_groups]}
        if admin_password is not None:
            body['adminPass'] = admin_password
        return {'server': body}

    # -- pieces ------------------------------------------------------------

    def _host_id(self, project_id, host):
        if not host:
            return ''
        key = (project_id, host)
        host_id = self._host_ids.get(key)
        if host_id is None:
            host_id = self._host_ids[key] = hashlib.sha224(
                (project_id + host).encode('utf-8')).hexdigest()
        return host_id

    def _image(self, image_ref, system_metadata):
        if not image_ref:
            return ''
        if self.version >= (2, 98):
            # Properties come from each server's system metadata.
            image = self._image_body(image_ref)
            image['properties'] = {
                k[6:]: v for k, v in (system_metadata or {}).items()
                if k.startswith('image_')}
            return image
        image = self._images.get(image_ref)
        if image is None:
            image = self._images[image_ref] = self._image_body(image_ref)
        return image

    def _image_body(self, image_ref):
        image_id = image_ref.rstrip('/').rsplit('/', 1)[-1]
        return {'id': image_id,
                'links': self.links.bookmark_only('images', image_id)}

    def _flavor(self, flavor):
        if flavor is None:
            return {}
        # Instances with the same flavor blob share one Flavor object
        # (InstanceList); keep it with its body so its id is not reused.
        cached = self._flavors.get(id(flavor))
        if cached is None:
            cached = self._flavors[id(flavor)] = (flavor,
                                                  self._flavor_body(flavor))
        return cached[1]

    def _flavor_body(self, flavor):
        f = flavor.__dict__.get
        if not self.embedded_flavor:
            return {'id': f('_obj_flavorid'),
                    'links': self.links.bookmark_only(
                        'flavors', f('_obj_flavorid'))}
        body = {'vcpus': f('_obj_vcpus'), 'ram': f('_obj_memory_mb'),
                'disk': f('_obj_root_gb'), 'ephemeral': f('_obj_ephemeral_gb'),
                'swap': f('_obj_swap') or 0, 'original_name': f('_obj_name')}
        if self.flavor_extra_specs:
            body['extra_specs'] = dict(f('_obj_extra_specs') or {})
        return body

    def _fault(self, fault):
        body = {'code': fault.code, 'created': wsgi.isotime(
            fault.created_at), 'message': fault.message}
        # Details (a traceback for code 500) are for admins only.
        if fault.details and (self.admin or fault.code != 500):
            body['details'] = fault.details
        return body

    def _partial(self, instance, show):
        """What a server in a down cell shows (2.69)."""
        g = instance.__dict__.get
        uuid = g('_obj_uuid')
        body = {'id': uuid, 'status': 'UNKNOWN',
                'tenant_id': g('_obj_project_id') or '',
                'created': wsgi.isotime(g('_obj_created_at')),
                'links': self.links.pair(COLLECTION, uuid)}
        if show:
            body.update({
                'user_id': g('_obj_user_id') or '',
                'image': self._image(g('_obj_image_ref'),
                                     g('_obj_system_metadata')),
                'flavor': self._flavor(g('_obj_flavor')),
                'OS-EXT-AZ:availability_zone':
                    g('_obj_availability_zone') or '',
                'OS-EXT-STS:power_state': fields.PowerState.NOSTATE,
                'server_groups': []})
        return body


_SRV_ATTR_KEYS = dict({a: 'OS-EXT-SRV-ATTR:' + a for a in _SRV_ATTRS_23},
                      host='OS-EXT-SRV-ATTR:host',
                      node='OS-EXT-SRV-ATTR:hypervisor_hostname',
                      name='OS-EXT-SRV-ATTR:instance_name')
# The instance field behind an extended attribute named otherwise.
_SRV_ATTR_FIELDS = {'name': 'id'}
