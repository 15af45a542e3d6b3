"""ComputeNode: the resources of one hypervisor (cell database)."""
from oslo_utils import uuidutils

from nova.db.main import models
from nova.db import engines
from nova.db.types import utcnow
from nova import exception
from nova.objects import base
from nova.objects import fields

_TABLE = models.ComputeNode.__table__
_INT_COLUMNS = ('vcpus', 'memory_mb', 'local_gb', 'vcpus_used',
                'memory_mb_used', 'local_gb_used', 'free_ram_mb',
                'free_disk_gb', 'current_workload', 'running_vms',
                'disk_available_least', 'hypervisor_version', 'service_id')
_STR_COLUMNS = ('uuid', 'host', 'hypervisor_hostname', 'hypervisor_type',
                'cpu_info', 'host_ip', 'supported_instances', 'stats')
_FLOAT_COLUMNS = ('cpu_allocation_ratio', 'ram_allocation_ratio',
                  'disk_allocation_ratio')
_COLUMNS = _INT_COLUMNS + _STR_COLUMNS + _FLOAT_COLUMNS


@base.NovaObjectRegistry.register
class ComputeNode(base.NovaPersistentObject, base.NovaObject):
    # Version 1.0: Initial version
    VERSION = '1.0'

    fields = dict(
        {'id': fields.IntegerField(read_only=True),
         'mapped': fields.IntegerField(default=0)},
        **{k: fields.IntegerField(nullable=True) for k in _INT_COLUMNS},
        **{k: fields.StringField(nullable=True) for k in _STR_COLUMNS},
        **{k: fields.FloatField(nullable=True) for k in _FLOAT_COLUMNS},
        **base.NovaPersistentObject.fields)

    @classmethod
    def _from_db_object(cls, context, node, row):
        for name in _COLUMNS + ('id', 'mapped', 'created_at', 'updated_at',
                                'deleted_at'):
            cls._set_from_db(node, name, row[name])
        node._obj_deleted = bool(row['deleted'])
        node._context = context
        node.obj_reset_changes()
        return node

    @classmethod
    @base.remotable
    def get_by_host_and_nodename(cls, context, host, nodename):
        with engines.main_reader(context) as session:
            row = session.execute(_TABLE.select().where(
                _TABLE.c.host == host, _TABLE.c.deleted == 0,
                _TABLE.c.hypervisor_hostname == nodename)).mappings().first()
        if row is None:
            raise exception.ComputeHostNotFound(host=host)
        return cls._from_db_object(context, cls(), row)

    @base.remotable
    def create(self):
        values = {k: getattr(self, k) for k in _COLUMNS
                  if self.obj_attr_is_set(k)}
        values.setdefault('uuid', uuidutils.generate_uuid())
        values.update(created_at=utcnow(), deleted=0, mapped=0)
        with engines.main_writer(self._context) as session:
            new_id = session.execute(_TABLE.insert().values(**values)) \
                .inserted_primary_key[0]
            row = session.execute(_TABLE.select().where(
                _TABLE.c.id == new_id)).mappings().first()
        self._from_db_object(self._context, self, row)

    @base.remotable
    def save(self):
        values = {k: getattr(self, k) for k in self.obj_what_changed()
                  if k in _COLUMNS}
        values['updated_at'] = utcnow()
        with engines.main_writer(self._context) as session:
            session.execute(_TABLE.update().where(_TABLE.c.id == self.id)
                            .values(**values))
        self._set_from_db(self, 'updated_at', values['updated_at'])
        self.obj_reset_changes()


@base.NovaObjectRegistry.register
class ComputeNodeList(base.ObjectListBase, base.NovaObject):
    # Version 1.0: Initial version
    VERSION = '1.0'
    fields = {'objects': fields.ListOfObjectsField('ComputeNode')}

    @classmethod
    @base.remotable
    def get_all(cls, context):
        with engines.main_reader(context) as session:
            rows = session.execute(_TABLE.select().where(
                _TABLE.c.deleted == 0).order_by(_TABLE.c.id)).mappings().all()
        return base.obj_make_list(context, cls(context), rows)

    @classmethod
    @base.remotable
    def get_all_by_host(cls, context, host):
        with engines.main_reader(context) as session:
            rows = session.execute(_TABLE.select().where(
                _TABLE.c.deleted == 0, _TABLE.c.host == host)).mappings().all()
        return base.obj_make_list(context, cls(context), rows)
