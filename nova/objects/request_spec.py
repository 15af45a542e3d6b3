"""RequestSpec: what the scheduler needs to place an instance."""
import functools

from oslo_serialization import jsonutils
import sqlalchemy as sa

from nova.db.api import models as api_models
from nova.db import engines
from nova.db import in_lists
from nova import exception
from nova.objects import base
from nova.objects import fields

_TABLE = api_models.RequestSpec.__table__

# Built once (per shape): building a statement and its cache key costs
# more than running it. IN lists as nova.db.in_lists.
_GET_BY_INSTANCE_UUID = _TABLE.select().where(
    _TABLE.c.instance_uuid == sa.bindparam('uuid'))
_INSERT = _TABLE.insert()
_DELETE = _TABLE.delete().where(
    _TABLE.c.instance_uuid == sa.bindparam('uuid'))


@functools.lru_cache(maxsize=in_lists.IN_PLAIN_MAX + 2)
def _get_many_statement(count):
    return _TABLE.select().where(
        in_lists.in_values(_TABLE.c.instance_uuid, count))


@functools.lru_cache(maxsize=in_lists.IN_PLAIN_MAX + 2)
def _blobs_statement(count):
    return sa.select(_TABLE.c.instance_uuid, _TABLE.c.spec).where(
        in_lists.in_values(_TABLE.c.instance_uuid, count))


@base.NovaObjectRegistry.register
class RequestSpec(base.NovaObject):
    # Version 1.0: Initial version
    # Version 1.1: instance_group (the server group of the group hint)
    VERSION = '1.1'

    fields = {
        'id': fields.IntegerField(),
        'instance_uuid': fields.UUIDField(),
        'project_id': fields.StringField(nullable=True),
        'user_id': fields.StringField(nullable=True),
        'flavor': fields.ObjectField('Flavor'),
        'image_id': fields.StringField(nullable=True),
        'image_properties': fields.DictOfNullableStringsField(default={}),
        'num_instances': fields.IntegerField(default=1),
        'availability_zone': fields.StringField(nullable=True),
        'scheduler_hints': fields.DictOfListOfStringsField(nullable=True),
        'ignore_hosts': fields.ListOfStringsField(nullable=True),
        'force_hosts': fields.ListOfStringsField(nullable=True),
        'force_nodes': fields.ListOfStringsField(nullable=True),
        'is_bfv': fields.BooleanField(default=False),
        'instance_group': fields.ObjectField('InstanceGroup', nullable=True),
    }

    def obj_make_compatible(self, primitive, target_version):
        # The sub-objects (Flavor 1.0, InstanceGroup) have one version
        # each, so only the field list changes between our versions.
        if target_version == '1.0':
            primitive.pop('instance_group', None)

    def _to_blob(self):
        primitive = self.obj_to_primitive()
        primitive['nova_object.data'].pop('id', None)
        return jsonutils.dumps(primitive)

    @classmethod
    def _from_db_row(cls, context, row):
        spec = cls.obj_from_primitive(jsonutils.loads(row.spec))
        spec._obj_id = row.id
        spec._context = context
        spec.obj_reset_changes()
        return spec

    @classmethod
    @base.remotable
    def get_by_instance_uuid(cls, context, instance_uuid):
        with engines.api_reader(context) as session:
            row = session.execute(_GET_BY_INSTANCE_UUID,
                                  {'uuid': instance_uuid}).first()
        if row is None:
            raise exception.RequestSpecNotFound(instance_uuid=instance_uuid)
        return cls._from_db_row(context, row)

    @classmethod
    def get_many(cls, context, instance_uuids):
        """{instance_uuid: RequestSpec} in one query."""
        count, params = in_lists.in_params(instance_uuids)
        with engines.api_reader(context) as session:
            rows = session.execute(_get_many_statement(count), params).all()
        return {r.instance_uuid: cls._from_db_row(context, r) for r in rows}

    @base.remotable
    def create(self):
        with engines.api_writer(self._context) as session:
            result = session.execute(_INSERT, {
                'instance_uuid': self.instance_uuid, 'spec': self._to_blob(),
                'created_at': base.naive(base.now())})
        self.id = result.inserted_primary_key[0]
        self.obj_reset_changes()

    @base.remotable
    def destroy(self):
        with engines.api_writer(self._context) as session:
            session.execute(_DELETE, {'uuid': self.instance_uuid})

    def for_instance(self, instance_uuid):
        """A copy of this spec for another instance of a multi-create."""
        spec = self.obj_clone()
        spec.instance_uuid = instance_uuid
        if spec.obj_attr_is_set('id'):
            del spec.id
        return spec


def get_fields_by_instance_uuids(context, instance_uuids, names):
    """{instance uuid: {name: value}} of a few fields of many specs.

    One query; the stored primitives are read as JSON without building
    objects, which keeps a page of a thousand servers cheap (the REST
    layer shows pinned_availability_zone and scheduler_hints from here).
    """
    count, params = in_lists.in_params(instance_uuids)
    with engines.api_reader(context) as session:
        rows = session.execute(_blobs_statement(count), params).all()
    result = {}
    for uuid, blob in rows:
        data = jsonutils.loads(blob).get('nova_object.data', {})
        result[uuid] = {name: data.get(name) for name in names}
    return result
