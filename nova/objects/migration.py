"""Migration: one move of an instance to another flavor or host (resize).

Stored in the instance's cell database. Its uuid is also a placement
consumer: during a resize it holds the old flavor's allocation on the
source host while the instance holds the new flavor's on the destination.

status runs pre-migrating -> migrating -> post-migrating -> finished
-> confirming -> confirmed, or finished -> reverting -> reverted, or ends
in error.
"""
import sqlalchemy as sa

from nova.db.main import models
from nova.db import engines
from nova.db.types import utcnow
from nova import exception
from nova.objects import base
from nova.objects import fields

_TABLE = models.Migration.__table__
_COLUMNS = ('id', 'uuid', 'source_compute', 'dest_compute', 'source_node',
            'dest_node', 'dest_host', 'old_instance_type_id',
            'new_instance_type_id', 'instance_uuid', 'status',
            'migration_type', 'hidden', 'cross_cell_move', 'user_id',
            'project_id')
# Statuses of a migration still under way (or waiting for a decision).
IN_PROGRESS = ('pre-migrating', 'migrating', 'post-migrating', 'finished',
               'confirming', 'reverting')

_S = fields.StringField


@base.NovaObjectRegistry.register
class Migration(base.NovaPersistentObject, base.NovaObject):
    # Version 1.0: Initial version
    VERSION = '1.0'

    fields = dict({
        'id': fields.IntegerField(),
        'uuid': fields.UUIDField(),
        'source_compute': _S(nullable=True),
        'dest_compute': _S(nullable=True),
        'source_node': _S(nullable=True),
        'dest_node': _S(nullable=True),
        'dest_host': _S(nullable=True),
        'old_instance_type_id': fields.IntegerField(nullable=True),
        'new_instance_type_id': fields.IntegerField(nullable=True),
        'instance_uuid': _S(nullable=True),
        'status': _S(nullable=True),
        'migration_type': fields.EnumField(
            ['migration', 'resize', 'live-migration', 'evacuation'],
            nullable=False),
        'hidden': fields.BooleanField(default=False),
        'cross_cell_move': fields.BooleanField(default=False),
        'user_id': _S(nullable=True),
        'project_id': _S(nullable=True),
    }, **base.NovaPersistentObject.fields)

    @classmethod
    def _from_db_object(cls, context, migration, row):
        for name in _COLUMNS + ('created_at', 'updated_at', 'deleted_at'):
            value = row[name]
            if name in ('hidden', 'cross_cell_move'):
                value = bool(value)
            cls._set_from_db(migration, name, value)
        migration._set_from_db(migration, 'deleted', bool(row['deleted']))
        migration._context = context
        migration.obj_reset_changes()
        return migration

    def _values(self, names):
        return {n: base.naive(getattr(self, n)) if n.endswith('_at')
                else getattr(self, n)
                for n in names if self.obj_attr_is_set(n)}

    @base.remotable
    def create(self):
        if self.obj_attr_is_set('id'):
            raise exception.ObjectActionError(action='create',
                                              reason='already created')
        values = self._values(_COLUMNS)
        now = utcnow()
        with engines.main_writer(self._context) as session:
            result = session.execute(_TABLE.insert().values(
                created_at=now, deleted=0, **values))
        self.id = result.inserted_primary_key[0]
        self.created_at = now
        self.deleted = False
        for name in ('hidden', 'cross_cell_move'):
            if not self.obj_attr_is_set(name):
                setattr(self, name, False)
        self.obj_reset_changes()

    @base.remotable
    def save(self):
        values = self._values(self.obj_what_changed() - {'id', 'uuid'})
        if not values:
            return
        now = utcnow()
        with engines.main_writer(self._context) as session:
            result = session.execute(_TABLE.update().where(
                _TABLE.c.id == self.id).values(updated_at=now, **values))
        if result.rowcount != 1:
            raise exception.MigrationNotFound(migration_id=self.id)
        self.updated_at = now
        self.obj_reset_changes()

    @classmethod
    def _get(cls, context, *where):
        with engines.main_reader(context) as session:
            row = session.execute(_TABLE.select().where(
                _TABLE.c.deleted == 0, *where).order_by(
                _TABLE.c.created_at.desc(), _TABLE.c.id.desc())
            ).mappings().first()
        return row and cls._from_db_object(context, cls(), row)

    @classmethod
    @base.remotable
    def get_by_uuid(cls, context, migration_uuid):
        migration = cls._get(context, _TABLE.c.uuid == migration_uuid)
        if migration is None:
            raise exception.MigrationNotFound(migration_id=migration_uuid)
        return migration

    @classmethod
    @base.remotable
    def get_by_instance_and_status(cls, context, instance_uuid, status):
        """The newest migration of instance_uuid in status (or a list)."""
        statuses = [status] if isinstance(status, str) else list(status)
        migration = cls._get(context, _TABLE.c.instance_uuid == instance_uuid,
                             _TABLE.c.status.in_(statuses))
        if migration is None:
            raise exception.MigrationNotFoundByStatus(
                instance_id=instance_uuid, status=', '.join(statuses))
        return migration


@base.NovaObjectRegistry.register
class MigrationList(base.ObjectListBase, base.NovaObject):
    # Version 1.0: Initial version
    VERSION = '1.0'
    fields = {'objects': fields.ListOfObjectsField('Migration')}

    @classmethod
    @base.remotable
    def get_by_instance(cls, context, instance_uuid):
        """Every migration of an instance, newest first."""
        with engines.main_reader(context) as session:
            rows = session.execute(_TABLE.select().where(
                _TABLE.c.deleted == 0,
                _TABLE.c.instance_uuid == instance_uuid).order_by(
                _TABLE.c.created_at.desc(), _TABLE.c.id.desc())
            ).mappings().all()
        return cls._make(context, rows)

    @classmethod
    @base.remotable
    def get_in_progress_by_host(cls, context, host):
        """Migrations under way whose source or destination is host."""
        with engines.main_reader(context) as session:
            rows = session.execute(_TABLE.select().where(
                _TABLE.c.deleted == 0, _TABLE.c.status.in_(IN_PROGRESS),
                sa.or_(_TABLE.c.source_compute == host,
                       _TABLE.c.dest_compute == host))).mappings().all()
        return cls._make(context, rows)

    @classmethod
    def _make(cls, context, rows):
        result = cls(context)
        result.objects = [Migration._from_db_object(context, Migration(), r)
                          for r in rows]
        result.obj_reset_changes()
        return result
