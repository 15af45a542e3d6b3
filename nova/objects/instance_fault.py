"""InstanceFault: why an instance went wrong."""
from nova.objects import base
from nova.objects import fields


@base.NovaObjectRegistry.register
class InstanceFault(base.NovaPersistentObject, base.NovaObject):
    # Version 1.0: Initial version
    VERSION = '1.0'

    fields = dict({
        'id': fields.IntegerField(),
        'instance_uuid': fields.UUIDField(),
        'code': fields.IntegerField(),
        'message': fields.StringField(nullable=True),
        'details': fields.StringField(nullable=True),
        'host': fields.StringField(nullable=True),
    }, **base.NovaPersistentObject.fields)

    @staticmethod
    def _from_db_object(context, fault, row):
        for name in ('id', 'instance_uuid', 'code', 'message', 'details',
                     'host', 'created_at', 'updated_at', 'deleted_at'):
            fault._set_from_db(fault, name, row[name])
        fault._obj_deleted = bool(row['deleted'])
        fault._context = context
        fault.obj_reset_changes()
        return fault
