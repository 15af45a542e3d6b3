"""BuildRequest: an instance the API accepted but no cell holds yet."""
import functools

from oslo_serialization import jsonutils
import sqlalchemy as sa

from nova.db.api import models as api_models
from nova.db import engines
from nova.db import in_lists
from nova import exception
from nova.objects import base
from nova.objects import fields
from nova.objects import instance as instance_obj

_TABLE = api_models.BuildRequest.__table__
_SPECS = api_models.RequestSpec.__table__
_MAPPINGS = api_models.InstanceMapping.__table__

# Built once (per shape): building a statement and its cache key costs
# more than running it. IN lists as nova.db.in_lists.
_GET_BY_INSTANCE_UUID = _TABLE.select().where(
    _TABLE.c.instance_uuid == sa.bindparam('uuid'))
_DELETE = _TABLE.delete().where(
    _TABLE.c.instance_uuid == sa.bindparam('uuid'))
_INSERT_SPECS = _SPECS.insert()
_INSERT = _TABLE.insert()
_INSERT_MAPPINGS = _MAPPINGS.insert()


@functools.lru_cache(maxsize=in_lists.IN_PLAIN_MAX + 2)
def _destroy_many_statements(count):
    """(locking read of those present, delete) of count uuids."""
    where = in_lists.in_values(_TABLE.c.instance_uuid, count)
    return (sa.select(_TABLE.c.instance_uuid).where(where).with_for_update(),
            _TABLE.delete().where(where))


@functools.lru_cache(maxsize=2 * (in_lists.IN_PLAIN_MAX + 3))
def _get_by_filters_statement(by_project, by_uuids, uuid_count):
    """uuid_count: as in_lists.in_values's count."""
    query = _TABLE.select().order_by(_TABLE.c.id.desc())
    if by_project:
        query = query.where(_TABLE.c.project_id == sa.bindparam('project'))
    if by_uuids:
        query = query.where(
            in_lists.in_values(_TABLE.c.instance_uuid, uuid_count))
    return query


@base.NovaObjectRegistry.register
class BuildRequest(base.NovaObject):
    # Version 1.0: Initial version
    VERSION = '1.0'

    fields = {
        'id': fields.IntegerField(),
        'instance_uuid': fields.UUIDField(),
        'project_id': fields.StringField(),
        'instance': fields.ObjectField('Instance'),
        'created_at': fields.DateTimeField(nullable=True),
        'updated_at': fields.DateTimeField(nullable=True),
    }

    @classmethod
    def _from_db_row(cls, context, row):
        req = cls()
        for name in ('id', 'instance_uuid', 'project_id', 'created_at',
                     'updated_at'):
            cls._set_from_db(req, name, row[name])
        instance = instance_obj.Instance.obj_from_primitive(
            jsonutils.loads(row['instance']))
        instance._context = context
        # The API shows a build request as a BUILDING instance.
        instance.obj_reset_changes()
        req._obj_instance = instance
        req._context = context
        req.obj_reset_changes()
        return req

    @classmethod
    @base.remotable
    def get_by_instance_uuid(cls, context, instance_uuid):
        with engines.api_reader(context) as session:
            row = session.execute(_GET_BY_INSTANCE_UUID, {
                'uuid': instance_uuid}).mappings().first()
        if row is None:
            raise exception.BuildRequestNotFound(uuid=instance_uuid)
        return cls._from_db_row(context, row)

    @base.remotable
    def destroy(self):
        with engines.api_writer(self._context) as session:
            count = session.execute(_DELETE, {
                'uuid': self.instance_uuid}).rowcount
        if not count:
            raise exception.BuildRequestNotFound(uuid=self.instance_uuid)

    @staticmethod
    @engines.retry_if_locked
    def destroy_many(context, instance_uuids):
        """Delete the build requests of instances now in a cell.

        Returns the uuids whose build request was already gone (the user
        deleted them while they were being scheduled).
        """
        uuids = list(instance_uuids)
        count, params = in_lists.in_params(uuids)
        present_of, delete = _destroy_many_statements(count)
        with engines.api_writer(context) as session:
            # Locking: what is committed now, not an earlier snapshot.
            present = {r[0] for r in session.execute(present_of, params)}
            session.execute(delete, params)
        return [u for u in uuids if u not in present]


@base.NovaObjectRegistry.register
class BuildRequestList(base.ObjectListBase, base.NovaObject):
    # Version 1.0: Initial version
    VERSION = '1.0'
    fields = {'objects': fields.ListOfObjectsField('BuildRequest')}

    @classmethod
    @base.remotable
    def get_by_filters(cls, context, project_id=None, uuids=None):
        uuid_count, params = None, {}
        if uuids is not None:
            uuid_count, params = in_lists.in_params(uuids)
        if project_id is not None:
            params['project'] = project_id
        query = _get_by_filters_statement(
            project_id is not None, uuids is not None, uuid_count)
        with engines.api_reader(context) as session:
            rows = session.execute(query, params).mappings().all()
        result = cls(context)
        result.objects = [BuildRequest._from_db_row(context, r) for r in rows]
        return result


@engines.retry_if_locked
def create_build_records(context, instances, request_specs):
    """Write build requests, request specs and instance mappings at once.

    One API-database transaction for the whole (multi-)create: either every
    record of every instance exists afterwards or none does.
    """
    if not instances:
        # execute() with an empty parameter list runs the INSERT once,
        # with every column NULL.
        return
    now = base.naive(base.now())
    with engines.api_writer(context) as session:
        session.execute(_INSERT_SPECS, [
            {'instance_uuid': s.instance_uuid, 'spec': s._to_blob(),
             'created_at': now} for s in request_specs])
        session.execute(_INSERT, [
            {'instance_uuid': i.uuid, 'project_id': i.project_id,
             'instance': jsonutils.dumps(i.obj_to_primitive()),
             'created_at': now} for i in instances])
        session.execute(_INSERT_MAPPINGS, [
            {'instance_uuid': i.uuid, 'project_id': i.project_id,
             'user_id': i.user_id, 'cell_id': None,
             'queued_for_delete': False, 'created_at': now}
            for i in instances])
