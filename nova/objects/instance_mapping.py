"""InstanceMapping: which cell an instance lives in (API database)."""
import functools

import sqlalchemy as sa

from nova.db.api import models as api_models
from nova.db import engines
from nova.db import in_lists
from nova import exception
from nova.objects import base
from nova.objects import cell_mapping
from nova.objects import fields

_TABLE = api_models.InstanceMapping.__table__


@functools.lru_cache(maxsize=8)
def _update_statement(columns):
    # Built once per set of columns: DELETE saves a mapping every time.
    return _TABLE.update().where(
        _TABLE.c.instance_uuid == sa.bindparam('w_uuid')).values(
        {c: sa.bindparam('v_' + c) for c in columns})


_GET_BY_INSTANCE_UUID = sa.select(_TABLE).where(
    _TABLE.c.instance_uuid == sa.bindparam('uuid'))


@functools.lru_cache(maxsize=in_lists.IN_PLAIN_MAX + 2)
def _set_cell_statement(count):
    # Every build batch runs it (IN lists: see in_lists.in_values).
    return _TABLE.update().where(
        in_lists.in_values(_TABLE.c.instance_uuid, count)).values(
        cell_id=sa.bindparam('v_cell_id'))


_QUEUE_FOR_DELETE = _TABLE.update().where(
    _TABLE.c.instance_uuid.in_(sa.bindparam('uuids', expanding=True))
).values(queued_for_delete=True)


@base.NovaObjectRegistry.register
class InstanceMapping(base.NovaObject):
    # Version 1.0: Initial version
    VERSION = '1.0'

    fields = {
        'id': fields.IntegerField(read_only=True),
        'instance_uuid': fields.UUIDField(),
        'cell_mapping': fields.ObjectField('CellMapping', nullable=True),
        'project_id': fields.StringField(),
        'user_id': fields.StringField(nullable=True),
        'queued_for_delete': fields.BooleanField(default=False),
        'created_at': fields.DateTimeField(nullable=True),
        'updated_at': fields.DateTimeField(nullable=True),
    }

    @staticmethod
    def _from_db_object(context, mapping, db_mapping):
        for name in ('id', 'instance_uuid', 'project_id', 'user_id',
                     'created_at', 'updated_at'):
            mapping._set_from_db(mapping, name, getattr(db_mapping, name))
        mapping._obj_queued_for_delete = bool(db_mapping.queued_for_delete)
        cell = db_mapping.cell_mapping
        mapping._obj_cell_mapping = cell and \
            cell_mapping.CellMapping._from_db_object(
                context, cell_mapping.CellMapping(), cell)
        mapping._context = context
        mapping.obj_reset_changes()
        return mapping

    @classmethod
    @base.remotable
    def get_by_instance_uuid(cls, context, instance_uuid):
        # Every request on one server starts here: one plain row, its cell
        # from the process's cell cache (no ORM, no join).
        with engines.api_reader(context) as session:
            row = session.execute(_GET_BY_INSTANCE_UUID,
                                  {'uuid': instance_uuid}).first()
        if row is None:
            raise exception.InstanceMappingNotFound(uuid=instance_uuid)
        mapping = cls()
        for name in ('id', 'instance_uuid', 'project_id', 'user_id',
                     'created_at', 'updated_at'):
            mapping._set_from_db(mapping, name, getattr(row, name))
        mapping._obj_queued_for_delete = bool(row.queued_for_delete)
        mapping._obj_cell_mapping = row.cell_id and \
            cell_mapping.CellMapping.get_by_id_cached(context, row.cell_id)
        mapping._context = context
        mapping.obj_reset_changes()
        return mapping

    @base.remotable
    def create(self):
        with engines.api_writer(self._context) as session:
            db_mapping = api_models.InstanceMapping(
                instance_uuid=self.instance_uuid,
                cell_id=self.cell_mapping.id if self.obj_attr_is_set(
                    'cell_mapping') and self.cell_mapping else None,
                project_id=self.project_id,
                user_id=self.user_id if self.obj_attr_is_set('user_id')
                else None,
                queued_for_delete=False)
            session.add(db_mapping)
            session.flush()
            self._from_db_object(self._context, self, db_mapping)

    @base.remotable
    def save(self):
        changes = self.obj_get_changes()
        values = {}
        if 'cell_mapping' in changes:
            values['cell_id'] = self.cell_mapping and self.cell_mapping.id
        if 'queued_for_delete' in changes:
            values['queued_for_delete'] = self.queued_for_delete
        if values:
            params = {'v_' + k: v for k, v in values.items()}
            params['w_uuid'] = self.instance_uuid
            with engines.api_writer(self._context) as session:
                session.execute(_update_statement(tuple(sorted(values))),
                                params)
        self.obj_reset_changes()

    @base.remotable
    def destroy(self):
        with engines.api_writer(self._context) as session:
            session.execute(_TABLE.delete().where(
                _TABLE.c.instance_uuid == self.instance_uuid))

    @staticmethod
    @engines.retry_if_locked
    def set_cell_many(context, instance_uuids, cell):
        """Point several mappings at one cell in a single UPDATE."""
        count, params = in_lists.in_params(instance_uuids)
        params['v_cell_id'] = cell.id
        with engines.api_writer(context) as session:
            session.execute(_set_cell_statement(count), params)


@base.NovaObjectRegistry.register
class InstanceMappingList(base.ObjectListBase, base.NovaObject):
    # Version 1.0: Initial version
    VERSION = '1.0'
    fields = {'objects': fields.ListOfObjectsField('InstanceMapping')}

    @classmethod
    @base.remotable
    def get_by_instance_uuids(cls, context, uuids):
        with engines.api_reader(context) as session:
            rows = session.query(api_models.InstanceMapping).filter(
                api_models.InstanceMapping.instance_uuid.in_(list(uuids))
            ).all()
            return base.obj_make_list(context, cls(), rows)

    @staticmethod
    def cells_with_instances(context, project_id):
        """Cell ids holding instances of a project (None: not yet mapped)."""
        with engines.api_reader(context) as session:
            return {r[0] for r in session.execute(
                sa.select(_TABLE.c.cell_id).distinct().where(
                    _TABLE.c.project_id == project_id))}

    @staticmethod
    def queue_for_delete_many(context, instance_uuids):
        """Mark the mappings of deleted instances queued_for_delete, in the
        caller's API-database transaction if it has one."""
        with engines.api_writer(context) as session:
            session.execute(_QUEUE_FOR_DELETE,
                            {'uuids': list(instance_uuids)})

    @staticmethod
    def create_many(context, mappings):
        """Insert mappings for several instances in one statement."""
        now = base.naive(base.now())
        with engines.api_writer(context) as session:
            session.execute(_TABLE.insert(), [
                {'instance_uuid': m.instance_uuid, 'project_id': m.project_id,
                 'user_id': m.user_id, 'cell_id': None,
                 'queued_for_delete': False, 'created_at': now}
                for m in mappings])
