"""CellMapping: where a cell's database and message queue are."""
from oslo_utils import uuidutils

from nova.db.api import models as api_models
from nova.db import engines
from nova import exception
from nova.objects import base
from nova.objects import fields
from nova import ttl_cache

CELL0_UUID = '00000000-0000-0000-0000-000000000000'

# Cells change when an operator adds or edits one: every request reading
# them again would be a round trip for nothing (Nova keeps them for the
# life of the process).
_CACHE = ttl_cache.TTLCache()
_CACHE_SECONDS = 60


@base.NovaObjectRegistry.register
class CellMapping(base.NovaObject):
    # Version 1.0: Initial version
    VERSION = '1.0'

    CELL0_UUID = CELL0_UUID

    fields = {
        'id': fields.IntegerField(read_only=True),
        'uuid': fields.UUIDField(),
        'name': fields.StringField(nullable=True),
        'transport_url': fields.StringField(),
        'database_connection': fields.StringField(),
        'disabled': fields.BooleanField(default=False),
        'created_at': fields.DateTimeField(nullable=True),
        'updated_at': fields.DateTimeField(nullable=True),
    }

    @property
    def is_cell0(self):
        return self.obj_attr_is_set('uuid') and self.uuid == CELL0_UUID

    @classmethod
    def get_by_id_cached(cls, context, cell_id):
        """The cell with database id cell_id, from the cache of
        CellMappingList.get_all_cached (read again if it is missing); a
        copy, so a caller changing it leaves the cache alone."""
        for _ in range(2):
            for cell in CellMappingList.get_all_cached(context):
                if cell.id == cell_id:
                    return cell._copy(context)
            _CACHE.forget()
        raise exception.CellMappingNotFound(uuid='id=%s' % cell_id)

    @staticmethod
    def _from_db_object(context, cell, db_cell):
        for name in cell.fields:
            cell._set_from_db(cell, name, getattr(db_cell, name))
        if cell._obj_disabled is None:
            cell._obj_disabled = False
        cell._context = context
        cell.obj_reset_changes()
        return cell

    @classmethod
    @base.remotable
    def get_by_uuid(cls, context, uuid):
        with engines.api_reader(context) as session:
            db_cell = session.query(api_models.CellMapping).filter_by(
                uuid=uuid).first()
            if db_cell is None:
                raise exception.CellMappingNotFound(uuid=uuid)
            return cls._from_db_object(context, cls(), db_cell)

    @ttl_cache.forgets(_CACHE)
    @base.remotable
    def create(self):
        updates = self.obj_get_changes()
        updates.setdefault('uuid', uuidutils.generate_uuid())
        with engines.api_writer(self._context) as session:
            db_cell = api_models.CellMapping(**updates)
            session.add(db_cell)
            session.flush()
            self._from_db_object(self._context, self, db_cell)

    @ttl_cache.forgets(_CACHE)
    @base.remotable
    def save(self):
        changes = self.obj_get_changes()
        with engines.api_writer(self._context) as session:
            db_cell = session.query(api_models.CellMapping).filter_by(
                uuid=self.uuid).first()
            if db_cell is None:
                raise exception.CellMappingNotFound(uuid=self.uuid)
            for key, value in changes.items():
                setattr(db_cell, key, value)
            session.flush()
            self._from_db_object(self._context, self, db_cell)

    @ttl_cache.forgets(_CACHE)
    @base.remotable
    def destroy(self):
        with engines.api_writer(self._context) as session:
            count = session.query(api_models.CellMapping).filter_by(
                uuid=self.uuid).delete()
            if not count:
                raise exception.CellMappingNotFound(uuid=self.uuid)


@base.NovaObjectRegistry.register
class CellMappingList(base.ObjectListBase, base.NovaObject):
    # Version 1.0: Initial version
    VERSION = '1.0'
    fields = {'objects': fields.ListOfObjectsField('CellMapping')}

    @classmethod
    @base.remotable
    def get_all(cls, context):
        with engines.api_reader(context) as session:
            rows = session.query(api_models.CellMapping).order_by(
                api_models.CellMapping.id).all()
            return base.obj_make_list(context, cls(), rows)

    @classmethod
    def get_all_cached(cls, context, required=()):
        """get_all, as read at most a minute ago by this process (at once
        after a change through it), and read again when a cell uuid in
        required is missing."""
        cells = _CACHE.get('all', _CACHE_SECONDS,
                           lambda: cls.get_all(context))
        known = {c.uuid for c in cells}
        if any(uuid not in known for uuid in required):
            _CACHE.forget()
            cells = _CACHE.get('all', _CACHE_SECONDS,
                               lambda: cls.get_all(context))
        return list(cells)
