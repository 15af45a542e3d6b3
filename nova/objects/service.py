"""Service: a running nova daemon and its heartbeat (cell database)."""
import datetime

from oslo_utils import uuidutils
import sqlalchemy as sa

from nova.db.main import models
from nova.db import engines
from nova.db.types import utcnow
from nova import exception
from nova.objects import base
from nova.objects import fields

_TABLE = models.Service.__table__
_COLUMNS = ('id', 'uuid', 'host', 'binary', 'topic', 'report_count',
            'disabled', 'disabled_reason', 'last_seen_up', 'forced_down',
            'version')

# Bumped when a service's RPC or object behaviour changes in a way others
# must know about during a rolling upgrade.
SERVICE_VERSION = 1


@base.NovaObjectRegistry.register
class Service(base.NovaPersistentObject, base.NovaObject):
    # Version 1.0: Initial version
    VERSION = '1.0'

    fields = dict({
        'id': fields.IntegerField(read_only=True),
        'uuid': fields.UUIDField(),
        'host': fields.StringField(nullable=True),
        'binary': fields.StringField(nullable=True),
        'topic': fields.StringField(nullable=True),
        'report_count': fields.IntegerField(),
        'disabled': fields.BooleanField(),
        'disabled_reason': fields.StringField(nullable=True),
        'last_seen_up': fields.DateTimeField(nullable=True),
        'forced_down': fields.BooleanField(),
        'version': fields.IntegerField(),
    }, **base.NovaPersistentObject.fields)

    @classmethod
    def _from_db_object(cls, context, service, row):
        for name in _COLUMNS + ('created_at', 'updated_at', 'deleted_at'):
            cls._set_from_db(service, name, row[name])
        service._obj_deleted = bool(row['deleted'])
        service._obj_disabled = bool(row['disabled'])
        service._obj_forced_down = bool(row['forced_down'])
        service._context = context
        service.obj_reset_changes()
        return service

    @classmethod
    def _get(cls, context, *where):
        with engines.main_reader(context) as session:
            row = session.execute(_TABLE.select().where(
                _TABLE.c.deleted == 0, *where)).mappings().first()
        return row and cls._from_db_object(context, cls(), row)

    @classmethod
    @base.remotable
    def get_by_id(cls, context, service_id):
        service = cls._get(context, _TABLE.c.id == service_id)
        if service is None:
            raise exception.ServiceNotFound(service_id=service_id)
        return service

    @classmethod
    def get_by_uuid(cls, context, service_uuid):
        """For the API (DELETE /os-services/{uuid}); not remotable: no
        compute asks for a service by uuid."""
        service = cls._get(context, _TABLE.c.uuid == service_uuid)
        if service is None:
            raise exception.ServiceNotFound(service_id=service_uuid)
        return service

    @classmethod
    @base.remotable
    def get_by_host_and_binary(cls, context, host, binary):
        """The service, or None (a daemon starting for the first time)."""
        return cls._get(context, _TABLE.c.host == host,
                        _TABLE.c.binary == binary)

    @classmethod
    @base.remotable
    def get_by_compute_host(cls, context, host):
        service = cls._get(context, _TABLE.c.host == host,
                           _TABLE.c.binary == 'nova-compute')
        if service is None:
            raise exception.ComputeHostNotFound(host=host)
        return service

    @base.remotable
    def create(self):
        values = {k: getattr(self, k) for k in _COLUMNS
                  if k != 'id' and self.obj_attr_is_set(k)}
        values.setdefault('uuid', uuidutils.generate_uuid())
        values.setdefault('version', SERVICE_VERSION)
        values.setdefault('report_count', 0)
        values.setdefault('disabled', False)
        values.setdefault('forced_down', False)
        values.update(created_at=utcnow(), deleted=0)
        with engines.main_writer(self._context) as session:
            clash = session.execute(sa.select(_TABLE.c.id).where(
                _TABLE.c.host == values.get('host'), _TABLE.c.deleted == 0,
                _TABLE.c.binary == values.get('binary'))).first()
            if clash is not None:
                raise exception.ServiceBinaryExists(host=values.get('host'),
                                                    binary=values['binary'])
            new_id = session.execute(_TABLE.insert().values(**values)) \
                .inserted_primary_key[0]
            row = session.execute(_TABLE.select().where(
                _TABLE.c.id == new_id)).mappings().first()
        self._from_db_object(self._context, self, row)

    @base.remotable
    def save(self):
        values = {k: getattr(self, k) for k in self.obj_what_changed()
                  if k in _COLUMNS and k != 'id'}
        values = {k: base.naive(v) if isinstance(v, datetime.datetime)
                  else v for k, v in values.items()}
        values['updated_at'] = utcnow()
        with engines.main_writer(self._context) as session:
            session.execute(_TABLE.update().where(_TABLE.c.id == self.id)
                            .values(**values))
        self._set_from_db(self, 'updated_at', values['updated_at'])
        self.obj_reset_changes()

    @base.remotable
    def heartbeat(self):
        """Bump report_count and last_seen_up in one UPDATE.

        ServiceNotFound once the row was deleted (DELETE /os-services):
        a daemon still running then stops writing into its deleted row,
        and registers anew when it restarts, as Nova's do.
        """
        now = utcnow()
        with engines.main_writer(self._context) as session:
            result = session.execute(
                _TABLE.update().where(_TABLE.c.id == self.id,
                                      _TABLE.c.deleted == 0)
                .values(report_count=_TABLE.c.report_count + 1,
                        last_seen_up=now, updated_at=now))
        if result.rowcount == 0:
            raise exception.ServiceNotFound(service_id=self.uuid)
        self._set_from_db(self, 'last_seen_up', now)
        self._set_from_db(self, 'updated_at', now)
        self._obj_report_count = (self.report_count or 0) + 1

    @base.remotable
    def destroy(self):
        now = utcnow()
        with engines.main_writer(self._context) as session:
            session.execute(_TABLE.update().where(_TABLE.c.id == self.id)
                            .values(deleted=_TABLE.c.id, deleted_at=now))

    def is_up(self, service_down_time):
        """Up when forced_down is off and a heartbeat came recently."""
        if self.forced_down:
            return False
        last = self.last_seen_up or self.updated_at or self.created_at
        if last is None:
            return False
        elapsed = base.now() - last
        return abs(elapsed.total_seconds()) <= service_down_time


@base.NovaObjectRegistry.register
class ServiceList(base.ObjectListBase, base.NovaObject):
    # Version 1.0: Initial version
    VERSION = '1.0'
    fields = {'objects': fields.ListOfObjectsField('Service')}

    @classmethod
    @base.remotable
    def get_all(cls, context, binary=None, host=None):
        query = _TABLE.select().where(_TABLE.c.deleted == 0).order_by(
            _TABLE.c.id)
        if binary:
            query = query.where(_TABLE.c.binary == binary)
        if host:
            query = query.where(_TABLE.c.host == host)
        with engines.main_reader(context) as session:
            rows = session.execute(query).mappings().all()
        return base.obj_make_list(context, cls(context), rows)
