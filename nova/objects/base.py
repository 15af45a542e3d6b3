"""Base classes of every versioned object: the wire format between services.

A process that must not touch a database (nova-compute) sets
``NovaObject.indirection_api`` to the conductor's RPC client; every
``@remotable`` call is then carried out by the
conductor and the result shipped back (design decision 4).
"""
import datetime

from oslo_utils import timeutils
from oslo_versionedobjects import base as ovoo_base
from oslo_versionedobjects import fields as ovoo_fields

from nova import exception

remotable = ovoo_base.remotable
obj_make_list = ovoo_base.obj_make_list


class NovaObjectRegistry(ovoo_base.VersionedObjectRegistry):
    def registration_hook(self, cls, index):
        # Expose the newest version of each class as nova.objects.<Name>.
        from nova import objects
        current = getattr(objects, cls.obj_name(), None)
        if current is None or ovoo_base.utils.convert_version_to_tuple(
                cls.VERSION) >= ovoo_base.utils.convert_version_to_tuple(
                    current.VERSION):
            setattr(objects, cls.obj_name(), cls)


class NovaObject(ovoo_base.VersionedObject):
    OBJ_SERIAL_NAMESPACE = 'nova_object'
    OBJ_PROJECT_NAMESPACE = 'nova'

    def obj_reset_changes(self, fields=None, recursive=False):
        super().obj_reset_changes(fields, recursive=recursive)

    # OVO's obj_attr_is_set builds the list of every field name on each
    # call, so whatever walks an object's fields (serializing, change
    # tracking) costs fields squared: most of the CPU of sending an
    # Instance over RPC. These give the same answers with dict lookups.

    def obj_attr_is_set(self, attrname):
        if attrname not in self.fields and \
                attrname not in self.obj_extra_fields:
            raise AttributeError("%s object has no attribute '%s'"
                                 % (self.obj_name(), attrname))
        return hasattr(self, '_obj_' + attrname)

    def obj_to_primitive(self, target_version=None, version_manifest=None):
        """OVO's, reading the stored values directly; a backport to another
        version still goes through OVO."""
        if version_manifest or target_version not in (None, self.VERSION):
            return super().obj_to_primitive(target_version, version_manifest)
        primitive = {}
        for name, field in self.fields.items():
            value = getattr(self, '_obj_' + name, _UNSET)
            if value is not _UNSET:
                primitive[name] = field.to_primitive(self, name, value)
        namespace = self.OBJ_SERIAL_NAMESPACE
        result = {namespace + '.name': self.obj_name(),
                  namespace + '.namespace': self.OBJ_PROJECT_NAMESPACE,
                  namespace + '.version': self.VERSION,
                  namespace + '.data': primitive}
        changes = [name for name in self.obj_what_changed()
                   if name in primitive]
        if changes:
            result[namespace + '.changes'] = changes
        return result

    @classmethod
    def _obj_from_primitive(cls, context, objver, primitive):
        """OVO's, storing each field's deserialized value directly.

        OVO assigns through the field's setter, which coerces the value it
        has just deserialized a second time: about half the CPU of
        receiving an Instance over RPC or reading a build request. A
        primitive is what obj_to_primitive made of a valid object, so the
        second pass only ever checked the same thing again. Lists and
        dicts stay plain, as an object loaded from the database holds them.
        """
        self = cls()
        self._context = context
        self.VERSION = objver
        namespace = cls.OBJ_SERIAL_NAMESPACE
        fields = cls.fields
        readers = _readers(cls)
        for name, value in primitive[namespace + '.data'].items():
            if name not in fields:
                continue
            if value is not None:
                read = readers[name]
                fast = read(value) if read else _UNSET
                value = fields[name].from_primitive(self, name, value) \
                    if fast is _UNSET else fast
            setattr(self, '_obj_' + name, value)
        self._changed_fields = {
            name for name in primitive.get(namespace + '.changes', ())
            if name in fields}
        return self

    def obj_what_changed(self):
        fields = self.fields
        changes = {name for name in self._changed_fields if name in fields}
        for name in _object_fields(type(self)):
            value = getattr(self, '_obj_' + name, None)
            if isinstance(value, ovoo_base.VersionedObject) and \
                    value.obj_what_changed():
                changes.add(name)
        return changes

    def _copy(self, context):
        """A copy of the set fields for another caller, sharing no dict or
        list with this object (a cached object stays as it was)."""
        copy = type(self)()
        for name in self.fields:
            value = getattr(self, '_obj_' + name, _UNSET)
            if value is not _UNSET:
                setattr(copy, '_obj_' + name, type(value)(value)
                        if isinstance(value, (dict, list)) else value)
        copy._context = context
        return copy

    @staticmethod
    def _set_from_db(obj, name, value):
        """Set a field from a trusted DB value without coercion.

        DB rows are already typed; skipping OVO's per-field coercion keeps
        list calls of thousands of instances cheap. Datetimes gain the UTC
        tzinfo OVO would have added.
        """
        if isinstance(value, datetime.datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=datetime.timezone.utc)
        setattr(obj, '_obj_' + name, value)


_OBJECT_FIELDS = {}
_UNSET = object()


def _read_datetime(text):
    # OVO writes UTC as "...Z"; iso8601 parses it ten times slower.
    try:
        value = datetime.datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return _UNSET
    if value.tzinfo is None:
        return value.replace(tzinfo=datetime.timezone.utc)
    return value


def _same(value):
    return value


# Field types whose primitive is the value itself, or cheaply read; any
# other type (a subclass too: it may read differently) goes through OVO.
_FAST_READERS = {
    ovoo_fields.String: _same, ovoo_fields.Integer: _same,
    ovoo_fields.Float: _same, ovoo_fields.Boolean: _same,
    ovoo_fields.UUID: _same, ovoo_fields.Enum: _same,
    ovoo_fields.DateTime: _read_datetime,
}
_READERS = {}


def _reader(field):
    kind = type(field._type)
    read = _FAST_READERS.get(kind)
    if read is not None:
        return read
    if kind in (ovoo_fields.Dict, ovoo_fields.List):
        element = type(field._type._element_type._type)
        if _FAST_READERS.get(element) is _same:
            return dict if kind is ovoo_fields.Dict else list
    return None


def _readers(cls):
    """{field name: fast reader or None}, worked out once per class."""
    readers = _READERS.get(cls)
    if readers is None:
        readers = _READERS[cls] = {
            name: _reader(field) for name, field in cls.fields.items()}
    return readers


def _object_fields(cls):
    """Names of cls's fields that hold an object (whose own changes count
    as the parent's), worked out once per class."""
    names = _OBJECT_FIELDS.get(cls)
    if names is None:
        names = _OBJECT_FIELDS[cls] = tuple(
            name for name, field in cls.fields.items()
            if isinstance(field, ovoo_fields.ObjectField))
    return names


class NovaPersistentObject:
    """Mixin of the timestamp and soft-delete fields of a DB-backed object."""
    fields = {
        'created_at': ovoo_fields.DateTimeField(nullable=True),
        'updated_at': ovoo_fields.DateTimeField(nullable=True),
        'deleted_at': ovoo_fields.DateTimeField(nullable=True),
        'deleted': ovoo_fields.BooleanField(default=False),
    }


class ObjectListBase(ovoo_base.ObjectListBase):
    pass


class NovaObjectSerializer(ovoo_base.VersionedObjectSerializer):
    """Turns objects to primitives and back on the RPC wire."""
    OBJ_BASE_CLASS = NovaObject


class NovaObjectDictCompat(ovoo_base.VersionedObjectDictCompat):
    pass


def obj_to_primitive(obj):
    return ovoo_base.obj_to_primitive(obj)


def now():
    return timeutils.utcnow(with_timezone=True)


def naive(dt):
    """A tz-aware datetime as the naive UTC value columns store.

    Also takes the ISO string a datetime argument of a remotable method
    becomes on a real transport (oslo.messaging sends JSON).
    """
    if isinstance(dt, str):
        dt = datetime.datetime.fromisoformat(dt)
    if dt is None or dt.tzinfo is None:
        return dt
    return dt.astimezone(datetime.timezone.utc).replace(tzinfo=None)


def require_context(context, method, obj):
    if context is None:
        raise exception.OrphanedObjectError(method=method,
                                            objtype=obj.obj_name())
