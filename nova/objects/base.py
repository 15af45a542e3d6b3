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
    """A tz-aware datetime as the naive UTC value columns store."""
    if dt is None or dt.tzinfo is None:
        return dt
    return dt.astimezone(datetime.timezone.utc).replace(tzinfo=None)


def require_context(context, method, obj):
    if context is None:
        raise exception.OrphanedObjectError(method=method,
                                            objtype=obj.obj_name())
