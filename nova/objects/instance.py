"""Instance: a server, stored in its cell's database."""
import datetime

from oslo_serialization import jsonutils

from nova.db.main import instances as db
from nova.db import engines
from nova import exception
from nova.objects import base
from nova.objects import fields
from nova.objects import flavor as flavor_obj
from nova.objects import instance_fault

# Attributes kept outside the instances table, loaded only when asked for.
SIDE_ATTRS = ('metadata', 'system_metadata', 'fault')
# instance_extra columns stored as JSON blobs that we do not model yet.
_OPAQUE_EXTRA = ('numa_topology', 'pci_requests', 'vcpu_model',
                 'migration_context', 'keypairs', 'device_metadata',
                 'trusted_certs', 'resources')

_S = fields.StringField
_I = fields.IntegerField
_B = fields.BooleanField
_D = fields.DateTimeField

_COLUMN_FIELDS = {
    'id': _I(), 'uuid': fields.UUIDField(),
    'user_id': _S(nullable=True), 'project_id': _S(nullable=True),
    'image_ref': _S(nullable=True), 'kernel_id': _S(nullable=True),
    'ramdisk_id': _S(nullable=True), 'hostname': _S(nullable=True),
    'launch_index': _I(nullable=True), 'key_name': _S(nullable=True),
    'key_data': _S(nullable=True),
    'power_state': fields.PowerStateField(nullable=True),
    'vm_state': fields.VMStateField(nullable=True),
    'task_state': fields.TaskStateField(nullable=True),
    'memory_mb': _I(nullable=True), 'vcpus': _I(nullable=True),
    'root_gb': _I(nullable=True), 'ephemeral_gb': _I(nullable=True),
    'host': _S(nullable=True), 'node': _S(nullable=True),
    'instance_type_id': _I(nullable=True), 'user_data': _S(nullable=True),
    'reservation_id': _S(nullable=True),
    'launched_at': _D(nullable=True), 'terminated_at': _D(nullable=True),
    'availability_zone': _S(nullable=True),
    'display_name': _S(nullable=True),
    'display_description': _S(nullable=True),
    'launched_on': _S(nullable=True), 'locked': _B(default=False),
    'locked_by': _S(nullable=True), 'os_type': _S(nullable=True),
    'architecture': _S(nullable=True), 'root_device_name': _S(nullable=True),
    'default_ephemeral_device': _S(nullable=True),
    'default_swap_device': _S(nullable=True),
    'config_drive': _S(nullable=True),
    'access_ip_v4': fields.IPV4AddressField(nullable=True),
    'access_ip_v6': fields.IPV6AddressField(nullable=True),
    'auto_disk_config': _B(default=False), 'progress': _I(nullable=True),
    'shutdown_terminate': _B(default=False),
    'disable_terminate': _B(default=False),
    'cleaned': _B(default=False), 'hidden': _B(default=False),
}
_BOOL_COLUMNS = [k for k, f in _COLUMN_FIELDS.items()
                 if isinstance(f, fields.BooleanField)]
_TABLE_COLUMNS = tuple(k for k in _COLUMN_FIELDS if k != 'id')


def _flavor_blob(instance):
    blob = {}
    for key in ('flavor', 'old_flavor', 'new_flavor'):
        if instance.obj_attr_is_set(key) and getattr(instance, key):
            blob[key.replace('_flavor', '') if key != 'flavor' else 'cur'] = \
                getattr(instance, key).obj_to_primitive()
    return jsonutils.dumps(blob)


@base.NovaObjectRegistry.register
class Instance(base.NovaPersistentObject, base.NovaObject,
               base.NovaObjectDictCompat):
    # Version 1.0: Initial version
    VERSION = '1.0'

    fields = dict(
        _COLUMN_FIELDS,
        metadata=fields.DictOfStringsField(),
        system_metadata=fields.DictOfNullableStringsField(),
        flavor=fields.ObjectField('Flavor'),
        old_flavor=fields.ObjectField('Flavor', nullable=True),
        new_flavor=fields.ObjectField('Flavor', nullable=True),
        fault=fields.ObjectField('InstanceFault', nullable=True),
        **base.NovaPersistentObject.fields)

    @property
    def name(self):
        return 'instance-%08x' % self.id if self.obj_attr_is_set('id') \
            else 'instance-%s' % self.uuid

    # -- DB <-> object -------------------------------------------------

    @classmethod
    def _from_db_object(cls, context, instance, row, expected_attrs=None,
                        flavors=None):
        """Fill instance from a DB row dict.

        flavors: a dict shared across one list call, so instances whose
        flavor blob is identical share one Flavor object instead of each
        rebuilding it (most of the cost of listing many servers).
        """
        set_ = cls._set_from_db
        for name in _COLUMN_FIELDS:
            set_(instance, name, row[name])
        for name in _BOOL_COLUMNS:
            if row[name] is None:
                set_(instance, name, False)
        set_(instance, 'deleted', bool(row['deleted']))
        for name in ('created_at', 'updated_at', 'deleted_at'):
            set_(instance, name, row[name])
        if row.get('flavor'):
            cached = flavors.get(row['flavor']) if flavors is not None \
                else None
            if cached is None:
                blob = jsonutils.loads(row['flavor'])
                cached = [blob.get(k) and flavor_obj.Flavor.obj_from_primitive(
                    blob[k]) for k in ('cur', 'old', 'new')]
                if flavors is not None:
                    flavors[row['flavor']] = cached
            for attr, value in zip(('flavor', 'old_flavor', 'new_flavor'),
                                   cached):
                set_(instance, attr, value)
        for name in ('metadata', 'system_metadata'):
            if name in row:
                set_(instance, name, row[name])
        if 'fault' in row:
            fault = row['fault']
            set_(instance, 'fault', fault and
                 instance_fault.InstanceFault._from_db_object(
                     context, instance_fault.InstanceFault(), fault))
        instance._context = context
        instance.obj_reset_changes()
        return instance

    def obj_load_attr(self, attrname):
        """Lazy-load a side attribute (one query)."""
        if attrname not in SIDE_ATTRS + ('old_flavor', 'new_flavor'):
            raise exception.ObjectActionError(
                action='obj_load_attr',
                reason='attribute %s not lazy-loadable' % attrname)
        base.require_context(self._context, 'obj_load_attr', self)
        if attrname in ('old_flavor', 'new_flavor'):
            setattr(self, attrname, None)
        else:
            fresh = self.get_by_uuid(self._context, self.uuid,
                                     expected_attrs=[attrname])
            setattr(self, attrname, getattr(fresh, attrname))
        self.obj_reset_changes([attrname])

    def _column_values(self, names):
        values = {}
        for name in names:
            if self.obj_attr_is_set(name):
                value = getattr(self, name)
                if name in ('access_ip_v4', 'access_ip_v6') and value:
                    value = str(value)
                values[name] = base.naive(value) if hasattr(
                    value, 'tzinfo') else value
        return values

    def _create_values(self):
        values = self._column_values(_TABLE_COLUMNS)
        # Keep the time the API accepted the server: lists sort on it, and
        # it must not move when the build request becomes an instance.
        if self.obj_attr_is_set('created_at') and self.created_at:
            values['created_at'] = base.naive(self.created_at)
        values.setdefault('vm_state', fields.VMState.BUILDING)
        extra = {'flavor': _flavor_blob(self)}
        meta = self.metadata if self.obj_attr_is_set('metadata') else {}
        sysmeta = (self.system_metadata
                   if self.obj_attr_is_set('system_metadata') else {})
        return values, extra, meta, sysmeta

    def _after_create(self, context, new_id, created_at):
        self.id = new_id
        if not (self.obj_attr_is_set('created_at') and self.created_at):
            self.created_at = created_at
        self.deleted = False
        for name in ('metadata', 'system_metadata'):
            if not self.obj_attr_is_set(name):
                setattr(self, name, {})
        for name in ('old_flavor', 'new_flavor', 'fault'):
            if not self.obj_attr_is_set(name):
                setattr(self, name, None)
        self._context = context
        self.obj_reset_changes()

    # -- remotable API ---------------------------------------------------

    @classmethod
    @base.remotable
    def get_by_uuid(cls, context, uuid, expected_attrs=None):
        side = [a for a in (expected_attrs or []) if a in SIDE_ATTRS]
        with engines.main_reader(context) as session:
            row = db.get_by_uuid(session.connection(), uuid,
                                 read_deleted=context.read_deleted,
                                 side=side)
        return cls._from_db_object(context, cls(), row)

    @base.remotable
    def create(self):
        if self.obj_attr_is_set('id'):
            raise exception.ObjectActionError(action='create',
                                              reason='already created')
        values, extra, meta, sysmeta = self._create_values()
        with engines.main_writer(self._context) as session:
            new_id, created = db.create(session.connection(), values, extra,
                                        meta, sysmeta)
        self._after_create(self._context, new_id, created)

    @classmethod
    def create_many(cls, context, instances, action=None,
                    request_contexts=None):
        """Insert instances of one cell in one transaction of batched
        INSERTs, with the start of ``action`` recorded for each (on behalf
        of its own request context)."""
        rows = [i._create_values() for i in instances]
        actions = None
        if action:
            actions = [{'action': action, 'instance_uuid': i.uuid,
                        'request_id': c.request_id, 'user_id': c.user_id,
                        'project_id': c.project_id}
                       for i, c in zip(instances, request_contexts)]
        with engines.main_writer(context) as session:
            ids, created = db.create_many(session.connection(), rows,
                                          actions)
        for instance in instances:
            instance._after_create(context, ids[instance.uuid], created)

    def save(self, expected_vm_state=None, expected_task_state=None):
        """Write changed fields; compare-and-set on the expected states.

        Raises UnexpectedTaskStateError (or its Deleting subclass) when the
        row's state is no longer one of the expected ones. Only the changed
        values travel (through the conductor on a compute), not the object.
        """
        changes = self.obj_what_changed()
        expected = {}
        if expected_task_state is not None:
            expected['task_state'] = expected_task_state
        if expected_vm_state is not None:
            expected['vm_state'] = expected_vm_state
        values = {k: _wire(v) for k, v in self._column_values(
            c for c in changes if c in _COLUMN_FIELDS and c != 'id').items()}
        extra = ({'flavor': _flavor_blob(self)}
                 if changes & {'flavor', 'old_flavor', 'new_flavor'} else None)
        meta = self.metadata if 'metadata' in changes else None
        sysmeta = (self.system_metadata if 'system_metadata' in changes
                   else None)
        if not (values or extra or meta is not None or sysmeta is not None
                or expected):
            return
        updated_at = self.save_values(self._context, self.uuid, values, extra,
                                      meta, sysmeta, expected)
        self.updated_at = updated_at
        self.obj_reset_changes()

    @classmethod
    @base.remotable
    def save_values(cls, context, uuid, values, extra, metadata,
                    system_metadata, expected):
        """The SQL half of save(); returns the new updated_at."""
        values = {k: _unwire(k, v) for k, v in values.items()}
        with engines.main_writer(context) as session:
            updated_at = db.update(session.connection(), uuid, values,
                                   extra=extra, expected=expected,
                                   metadata=metadata,
                                   system_metadata=system_metadata)
        return _wire(updated_at)

    def destroy(self):
        values = {'vm_state': fields.VMState.DELETED, 'task_state': None,
                  'terminated_at': _wire(base.naive(base.now()))}
        deleted_at = self.destroy_values(self._context, self.uuid, values)
        self.vm_state, self.task_state = values['vm_state'], None
        self.terminated_at = values['terminated_at']
        self.deleted = True
        self.deleted_at = deleted_at
        self.obj_reset_changes()

    @classmethod
    @base.remotable
    def destroy_values(cls, context, uuid, values):
        """The SQL half of destroy(); returns deleted_at."""
        values = {k: _unwire(k, v) for k, v in values.items()}
        with engines.main_writer(context) as session:
            return _wire(db.soft_delete(session.connection(), uuid, values))

    def add_fault(self, code, message, details, host):
        """Record an instance fault (message visible to tenants)."""
        self.record_fault(self._context, self.uuid, code,
                          (message or '')[:255], details, host)

    @classmethod
    @base.remotable
    def record_fault(cls, context, uuid, code, message, details, host):
        with engines.main_writer(context) as session:
            db.add_fault(session.connection(), {
                'instance_uuid': uuid, 'code': code, 'message': message,
                'details': details, 'host': host})


def _wire(value):
    """A column value as it crosses RPC (datetimes as ISO 8601 text)."""
    if isinstance(value, datetime.datetime):
        return base.naive(value).isoformat()
    return value


def _unwire(name, value):
    if value is not None and isinstance(
            _COLUMN_FIELDS.get(name), fields.DateTimeField):
        return base.naive(datetime.datetime.fromisoformat(value))
    return value


@base.NovaObjectRegistry.register
class InstanceList(base.ObjectListBase, base.NovaObject):
    # Version 1.0: Initial version
    VERSION = '1.0'
    fields = {'objects': fields.ListOfObjectsField('Instance')}

    @classmethod
    def _from_rows(cls, context, rows):
        result = cls(context)
        flavors = {}
        result.objects = [Instance._from_db_object(context, Instance(), r,
                                                   flavors=flavors)
                          for r in rows]
        result._context = context
        result.obj_reset_changes()
        return result

    @classmethod
    @base.remotable
    def get_by_filters(cls, context, filters, sort_key='created_at',
                       sort_dir='desc', limit=None, marker=None,
                       expected_attrs=None, sort_keys=None, sort_dirs=None):
        side = [a for a in (expected_attrs or []) if a in SIDE_ATTRS]
        filters = dict(filters)
        read_deleted = context.read_deleted
        if 'deleted' in filters:
            read_deleted = 'only' if filters.pop('deleted') else 'no'
        with engines.main_reader(context) as session:
            rows = db.get_all(session.connection(), filters,
                              sort_keys=sort_keys or [sort_key],
                              sort_dirs=sort_dirs or [sort_dir],
                              limit=limit, marker=marker,
                              read_deleted=read_deleted, side=side)
        return cls._from_rows(context, rows)

    @classmethod
    @base.remotable
    def get_by_host(cls, context, host, expected_attrs=None):
        return cls.get_by_filters(context, {'host': host},
                                  expected_attrs=expected_attrs)
