"""HostMapping: which cell a compute host belongs to."""
from nova.db.api import models as api_models
from nova.db import engines
from nova import exception
from nova.objects import base
from nova.objects import cell_mapping
from nova.objects import fields


@base.NovaObjectRegistry.register
class HostMapping(base.NovaObject):
    # Version 1.0: Initial version
    VERSION = '1.0'

    fields = {
        'id': fields.IntegerField(read_only=True),
        'host': fields.StringField(),
        'cell_mapping': fields.ObjectField('CellMapping'),
        'created_at': fields.DateTimeField(nullable=True),
        'updated_at': fields.DateTimeField(nullable=True),
    }

    @staticmethod
    def _from_db_object(context, mapping, db_mapping):
        for name in ('id', 'host', 'created_at', 'updated_at'):
            mapping._set_from_db(mapping, name, getattr(db_mapping, name))
        mapping._obj_cell_mapping = cell_mapping.CellMapping._from_db_object(
            context, cell_mapping.CellMapping(), db_mapping.cell_mapping)
        mapping._context = context
        mapping.obj_reset_changes()
        return mapping

    @classmethod
    @base.remotable
    def get_by_host(cls, context, host):
        with engines.api_reader(context) as session:
            db_mapping = session.query(api_models.HostMapping).filter_by(
                host=host).first()
            if db_mapping is None:
                raise exception.HostMappingNotFound(name=host)
            return cls._from_db_object(context, cls(), db_mapping)

    @base.remotable
    def create(self):
        db_mapping = _insert(self._context, self.host, self.cell_mapping.id)
        self._from_db_object(self._context, self, db_mapping)

    @base.remotable
    def destroy(self):
        with engines.api_writer(self._context) as session:
            session.query(api_models.HostMapping).filter_by(
                host=self.host).delete()


@base.NovaObjectRegistry.register
class HostMappingList(base.ObjectListBase, base.NovaObject):
    # Version 1.0: Initial version
    VERSION = '1.0'
    fields = {'objects': fields.ListOfObjectsField('HostMapping')}

    @classmethod
    @base.remotable
    def get_all(cls, context, cell_uuid=None):
        with engines.api_reader(context) as session:
            query = session.query(api_models.HostMapping)
            if cell_uuid:
                query = query.join(api_models.CellMapping).filter(
                    api_models.CellMapping.uuid == cell_uuid)
            rows = query.order_by(api_models.HostMapping.host).all()
            return base.obj_make_list(context, cls(), rows)


def delete_in(session, host, cell_id):
    """Delete host's mapping to the cell with database id cell_id (a
    mapping to another cell stays), inside the caller's API-database
    transaction (a service delete); True if there was one."""
    table = api_models.HostMapping.__table__
    return session.execute(table.delete().where(
        table.c.host == host, table.c.cell_id == cell_id)).rowcount > 0


# SQLite refuses the read-then-write upgrade while another writer holds the
# lock (nova-all's start-up discovers hosts while the scheduler's periodic
# task does): retry instead of failing.
@engines.retry_if_locked
def _insert(context, host, cell_id):
    with engines.api_writer(context) as session:
        if session.query(api_models.HostMapping).filter_by(
                host=host).first() is not None:
            raise exception.HostMappingExists(name=host)
        db_mapping = api_models.HostMapping(host=host, cell_id=cell_id)
        session.add(db_mapping)
        session.flush()
        session.refresh(db_mapping)
        return db_mapping
