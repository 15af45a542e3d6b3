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
_DATETIME_COLUMNS = ('created_at', 'updated_at', 'deleted_at', 'launched_at',
                     'terminated_at')
# Column -> the attribute OVO keeps its field's value in.
_ROW_ATTRS = {name: '_obj_' + name for name in
              (*_COLUMN_FIELDS, 'created_at', 'updated_at', 'deleted_at')}
_combine = datetime.datetime.combine
# What InstanceList.get_listing can read: columns and the flavor blob (which
# also holds old_flavor and new_flavor).
_LISTABLE = frozenset(_ROW_ATTRS) | {'deleted', 'flavor'}


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
    # Version 1.1: get_brief
    VERSION = '1.1'

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
        """Fill instance from a DB row dict: the columns the row has (a
        list may read only some; the others stay unset) and the side
        attributes it carries.

        Values go straight into the attributes OVO keeps them in, without
        its per-field coercion: DB values are typed already, and a list
        fills a thousand instances. NULL booleans read as False; datetimes
        gain the UTC tzinfo coercion would have added.

        flavors: a dict shared across one list call, so instances whose
        flavor blob is identical share one Flavor object instead of each
        rebuilding it.
        """
        values = instance.__dict__
        attrs = _ROW_ATTRS
        for name, value in row.items():
            attr = attrs.get(name)
            if attr is not None:
                values[attr] = value
        for name in _DATETIME_COLUMNS:
            value = row.get(name)
            if value is not None and value.tzinfo is None:
                # combine(): a quarter of the cost of replace(tzinfo=).
                values['_obj_' + name] = _combine(value.date(), value.time(),
                                                  datetime.timezone.utc)
        for name in _BOOL_COLUMNS:
            if name in row and row[name] is None:
                values['_obj_' + name] = False
        if 'deleted' in row:
            values['_obj_deleted'] = bool(row['deleted'])
        if row.get('flavor'):
            cached = flavors.get(row['flavor']) if flavors is not None \
                else None
            if cached is None:
                blob = jsonutils.loads(row['flavor'])
                cached = [blob.get(k) and flavor_obj.Flavor.obj_from_primitive(
                    blob[k]) for k in ('cur', 'old', 'new')]
                for flavor in cached:
                    if flavor:   # stored with the changes it had then
                        flavor.obj_reset_changes(recursive=True)
                if flavors is not None:
                    flavors[row['flavor']] = cached
            (values['_obj_flavor'], values['_obj_old_flavor'],
             values['_obj_new_flavor']) = cached
        for name in ('metadata', 'system_metadata'):
            if name in row:
                values['_obj_' + name] = row[name]
        if 'fault' in row:
            fault = row['fault']
            values['_obj_fault'] = fault and \
                instance_fault.InstanceFault._from_db_object(
                    context, instance_fault.InstanceFault(), fault)
        instance._context = context
        instance.obj_reset_changes()
        return instance

    def obj_load_attr(self, attrname):
        """Lazy-load a side attribute, or the columns a brief read left
        out (one query)."""
        if attrname not in SIDE_ATTRS + ('old_flavor', 'new_flavor') and \
                self.obj_attr_is_set('id'):
            self._load_left_out(attrname)
            return
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

    def _load_left_out(self, attrname):
        """Fill every field a brief read left unset, from the row as it is
        now (deleted or not: the uuid names one instance)."""
        base.require_context(self._context, 'obj_load_attr', self)
        fresh = self.get_by_uuid(self._context.elevated(read_deleted='yes'),
                                 self.uuid)
        for name in self.fields:
            if name not in SIDE_ATTRS and not self.obj_attr_is_set(name) \
                    and fresh.obj_attr_is_set(name):
                setattr(self, '_obj_' + name, getattr(fresh, name))
        if not self.obj_attr_is_set(attrname):
            raise exception.ObjectActionError(
                action='obj_load_attr',
                reason='attribute %s not lazy-loadable' % attrname)

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

    @classmethod
    @base.remotable
    def get_brief(cls, context, uuid):
        """The instance with only what deciding on a delete needs
        (db.BRIEF_COLUMNS); any other field loads on first use."""
        with engines.main_reader(context) as session:
            row = db.get_brief(session.connection(), uuid)
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

    @classmethod
    def destroy_many(cls, context, uuids):
        """destroy() for several instances of one cell, in one transaction;
        instances deleted already are skipped. Returns how many this marked
        deleted. Not remotable: only the conductor calls it."""
        values = {'vm_state': fields.VMState.DELETED, 'task_state': None,
                  'terminated_at': base.naive(base.now())}
        with engines.main_writer(context) as session:
            _, marked = db.soft_delete_many(session.connection(), uuids,
                                            values)
        return marked

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
    def of(cls, context, instances):
        """A list of instances already built; unlike assigning ``objects``,
        it does not re-check the class of every item (a thousand
        isinstance checks through OVO's coercion)."""
        result = cls(context)
        result._obj_objects = list(instances)
        return result

    @classmethod
    def _from_rows(cls, context, rows):
        flavors = {}
        return cls.of(context, [Instance._from_db_object(
            context, Instance(), r, flavors=flavors) for r in rows])

    @classmethod
    @base.remotable
    def get_by_filters(cls, context, filters, sort_key='created_at',
                       sort_dir='desc', limit=None, marker=None,
                       expected_attrs=None, sort_keys=None, sort_dirs=None):
        return cls.get_listing(context, filters, limit=limit, marker=marker,
                               expected_attrs=expected_attrs,
                               sort_keys=sort_keys or [sort_key],
                               sort_dirs=sort_dirs or [sort_dir])

    @classmethod
    def get_listing(cls, context, filters, load_only=None, limit=None,
                    marker=None, expected_attrs=None,
                    sort_keys=('created_at',), sort_dirs=('desc',)):
        """Instances matching filters with only the fields in load_only
        set (every field when None; uuid, vm_state and the sort keys in
        any case). The others stay unset, and reading one costs a query
        per instance (or fails), so a caller names every field it shows.

        Not remotable: only the API lists servers, and it reads the cell
        databases itself.
        """
        side = [a for a in (expected_attrs or []) if a in SIDE_ATTRS]
        columns = None if load_only is None else [
            n for n in load_only if n in _LISTABLE]
        filters = dict(filters)
        read_deleted = context.read_deleted
        if 'deleted' in filters:
            read_deleted = 'only' if filters.pop('deleted') else 'no'
        with engines.main_reader(context) as session:
            rows = db.get_all(session.connection(), filters,
                              sort_keys=list(sort_keys),
                              sort_dirs=list(sort_dirs),
                              limit=limit, marker=marker,
                              read_deleted=read_deleted, side=side,
                              columns=columns)
        return cls._from_rows(context, rows)

    @classmethod
    @base.remotable
    def get_by_host(cls, context, host, expected_attrs=None):
        return cls.get_by_filters(context, {'host': host},
                                  expected_attrs=expected_attrs)
