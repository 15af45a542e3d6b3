"""Aggregate: a named set of compute hosts with metadata.

Operators group hosts with aggregates; the ``availability_zone`` metadata
key makes an aggregate an availability zone, other keys are read by the
scheduler's aggregate filters. Lives in the API database; each aggregate is
mirrored by a placement aggregate of the same uuid (nova.compute.aggregates
keeps them in step).
"""
import functools

from oslo_db import exception as db_exc
from oslo_utils import uuidutils
import sqlalchemy as sa

from nova import context as nova_context
from nova.db.api import scheduling_models as models
from nova.db import engines
from nova.db import in_lists
from nova.db.main import models as main_models
from nova import exception
from nova import objects
from nova.objects import base
from nova.objects import fields

AZ_KEY = 'availability_zone'


def zones_by_host(context, hosts=None):
    """{host: zone} from the zone aggregates naming each host (only hosts,
    if given), in one query; the lowest aggregate id wins a tie."""
    count, params = None, {}
    if hosts is not None:
        count, params = in_lists.in_params(hosts)
    with engines.api_reader(context) as session:
        return dict(session.execute(_zones_statement(
            hosts is not None, count), params).all())


@functools.lru_cache(maxsize=in_lists.IN_PLAIN_MAX + 3)
def _zones_statement(of_hosts, host_count):
    """Of every host, or of host_count (see in_lists.in_values) hosts.
    Built once per shape: every build batch reads its hosts' zones."""
    agg_hosts = models.AggregateHost.__table__
    metadata = models.AggregateMetadata.__table__
    query = sa.select(agg_hosts.c.host, metadata.c.value).join(
        metadata, metadata.c.aggregate_id == agg_hosts.c.aggregate_id).where(
        metadata.c.key == AZ_KEY).order_by(agg_hosts.c.aggregate_id.desc())
    if of_hosts:
        query = query.where(
            in_lists.in_values(agg_hosts.c.host, host_count))
    return query


def hosts_with_instances(context, hosts):
    """Those of hosts that run a live instance, one query per cell."""
    table = main_models.Instance.__table__
    found = set()
    for cell in objects.CellMappingList.get_all(context):
        if cell.is_cell0 or not hosts:
            continue
        with nova_context.target_cell(context, cell) as cctxt:
            with engines.main_reader(cctxt) as session:
                found.update(r[0] for r in session.execute(
                    sa.select(table.c.host).distinct().where(
                        table.c.host.in_(list(hosts)),
                        table.c.deleted == 0)))
    return found


def remove_host_everywhere(session, host):
    """Take host out of every aggregate, inside the caller's API-database
    transaction (a service delete); the uuids of the aggregates it left.
    The placement mirror is the caller's: a deleted provider leaves its
    placement aggregates with it."""
    agg_hosts = models.AggregateHost.__table__
    aggregates = models.Aggregate.__table__
    uuids = session.execute(sa.select(aggregates.c.uuid).join(
        agg_hosts, agg_hosts.c.aggregate_id == aggregates.c.id).where(
        agg_hosts.c.host == host)).scalars().all()
    session.execute(agg_hosts.delete().where(agg_hosts.c.host == host))
    return uuids


def _get_row(session, aggregate_id):
    query = session.query(models.Aggregate)
    if uuidutils.is_uuid_like(aggregate_id):
        row = query.filter_by(uuid=str(aggregate_id)).first()
    else:
        row = query.filter_by(id=int(aggregate_id)).first()
    if row is None:
        raise exception.AggregateNotFound(aggregate_id=aggregate_id)
    return row


def _name_taken(session, name, except_id=None):
    query = session.query(models.Aggregate.id).filter_by(name=name)
    if except_id is not None:
        query = query.filter(models.Aggregate.id != except_id)
    return query.first() is not None


@base.NovaObjectRegistry.register
class Aggregate(base.NovaObject):
    # Version 1.0: Initial version
    VERSION = '1.0'

    fields = {
        'id': fields.IntegerField(),
        'uuid': fields.UUIDField(),
        'name': fields.StringField(),
        'hosts': fields.ListOfStringsField(nullable=True),
        'metadata': fields.DictOfStringsField(nullable=True),
        'created_at': fields.DateTimeField(nullable=True),
        'updated_at': fields.DateTimeField(nullable=True),
        'deleted_at': fields.DateTimeField(nullable=True),
        'deleted': fields.BooleanField(default=False),
    }

    @property
    def availability_zone(self):
        return (self.metadata or {}).get(AZ_KEY)

    @classmethod
    def _from_row(cls, context, row, aggregate=None):
        aggregate = aggregate or cls()
        for name in ('id', 'uuid', 'name', 'created_at', 'updated_at'):
            cls._set_from_db(aggregate, name, getattr(row, name))
        aggregate._obj_hosts = sorted(h.host for h in row.hosts)
        aggregate._obj_metadata = {m.key: m.value
                                   for m in row.metadata_items}
        aggregate._obj_deleted_at = None
        aggregate._obj_deleted = False
        aggregate._context = context
        aggregate.obj_reset_changes()
        return aggregate

    @classmethod
    @base.remotable
    def get_by_id(cls, context, aggregate_id):
        with engines.api_reader(context) as session:
            return cls._from_row(context, _get_row(session, aggregate_id))

    @classmethod
    @base.remotable
    def get_by_uuid(cls, context, aggregate_uuid):
        with engines.api_reader(context) as session:
            return cls._from_row(context, _get_row(session, aggregate_uuid))

    @base.remotable
    @engines.retry_if_locked
    def create(self):
        if self.obj_attr_is_set('id'):
            raise exception.ObjectActionError(action='create',
                                              reason='already created')
        if not self.obj_attr_is_set('uuid'):
            self.uuid = uuidutils.generate_uuid()
        metadata = dict(self.metadata or {}) \
            if self.obj_attr_is_set('metadata') else {}
        row = models.Aggregate(uuid=self.uuid, name=self.name)
        row.metadata_items = [models.AggregateMetadata(key=k, value=v)
                              for k, v in metadata.items()]
        try:
            with engines.api_writer(self._context) as session:
                if _name_taken(session, self.name):
                    raise exception.AggregateNameExists(
                        aggregate_name=self.name)
                session.add(row)
                session.flush()
                self._from_row(self._context, row, self)
        except db_exc.DBDuplicateEntry:
            raise exception.AggregateNameExists(aggregate_name=self.name)

    @base.remotable
    @engines.retry_if_locked
    def save(self):
        """Save a new name; metadata changes go through update_metadata."""
        changes = self.obj_get_changes()
        if 'hosts' in changes:
            raise exception.ObjectActionError(
                action='save', reason='hosts updated inline')
        try:
            with engines.api_writer(self._context) as session:
                row = _get_row(session, self.id)
                if 'name' in changes and changes['name'] != row.name:
                    if _name_taken(session, changes['name'], row.id):
                        raise exception.AggregateNameExists(
                            aggregate_name=changes['name'])
                    row.name = changes['name']
                if 'metadata' in changes:
                    _replace_metadata(row, changes['metadata'] or {})
                session.flush()
                self._from_row(self._context, row, self)
        except db_exc.DBDuplicateEntry:
            raise exception.AggregateNameExists(aggregate_name=self.name)

    @base.remotable
    @engines.retry_if_locked
    def update_metadata(self, updates):
        """Set keys; a None value removes its key (absent keys ignored)."""
        with engines.api_writer(self._context) as session:
            row = _get_row(session, self.id)
            metadata = {m.key: m.value for m in row.metadata_items}
            for key, value in updates.items():
                if value is None:
                    metadata.pop(key, None)
                else:
                    metadata[key] = value
            _replace_metadata(row, metadata)
            session.flush()
            self._from_row(self._context, row, self)

    @base.remotable
    @engines.retry_if_locked
    def destroy(self):
        with engines.api_writer(self._context) as session:
            session.delete(_get_row(session, self.id))

    @base.remotable
    @engines.retry_if_locked
    def add_host(self, host):
        with engines.api_writer(self._context) as session:
            row = _get_row(session, self.id)
            if any(h.host == host for h in row.hosts):
                raise exception.AggregateHostExists(aggregate_id=self.id,
                                                    host=host)
            row.hosts.append(models.AggregateHost(host=host))
            try:
                session.flush()
            except db_exc.DBDuplicateEntry:
                raise exception.AggregateHostExists(aggregate_id=self.id,
                                                    host=host)
            self._from_row(self._context, row, self)

    @base.remotable
    @engines.retry_if_locked
    def delete_host(self, host):
        with engines.api_writer(self._context) as session:
            row = _get_row(session, self.id)
            found = [h for h in row.hosts if h.host == host]
            if not found:
                raise exception.AggregateHostNotFound(aggregate_id=self.id,
                                                      host=host)
            row.hosts.remove(found[0])
            session.flush()
            self._from_row(self._context, row, self)


def _replace_metadata(row, metadata):
    current = {m.key: m for m in row.metadata_items}
    for key, item in current.items():
        if key not in metadata:
            row.metadata_items.remove(item)
    for key, value in metadata.items():
        if key in current:
            current[key].value = value
        else:
            row.metadata_items.append(
                models.AggregateMetadata(key=key, value=value))


@base.NovaObjectRegistry.register
class AggregateList(base.ObjectListBase, base.NovaObject):
    # Version 1.0: Initial version
    VERSION = '1.0'
    fields = {'objects': fields.ListOfObjectsField('Aggregate')}

    @classmethod
    def _query(cls, context, *criteria):
        with engines.api_reader(context) as session:
            rows = session.query(models.Aggregate).filter(*criteria).order_by(
                models.Aggregate.id).all()
            return _make_list(cls, context, [
                Aggregate._from_row(context, r) for r in rows])

    @classmethod
    @base.remotable
    def get_all(cls, context):
        return cls._query(context)

    @classmethod
    @base.remotable
    def get_by_host(cls, context, host, key=None):
        """Aggregates host belongs to (having metadata key, if given)."""
        criteria = [models.Aggregate.hosts.any(
            models.AggregateHost.host == host)]
        if key is not None:
            criteria.append(models.Aggregate.metadata_items.any(
                models.AggregateMetadata.key == key))
        return cls._query(context, *criteria)

    @classmethod
    @base.remotable
    def get_by_metadata_key(cls, context, key, hosts=None):
        """Aggregates with metadata key (and one of hosts, if given)."""
        criteria = [models.Aggregate.metadata_items.any(
            models.AggregateMetadata.key == key)]
        if hosts is not None:
            criteria.append(models.Aggregate.hosts.any(
                models.AggregateHost.host.in_(list(hosts))))
        return cls._query(context, *criteria)

    @classmethod
    @base.remotable
    def get_by_metadata(cls, context, key=None, value=None):
        """Aggregates whose metadata has key (and that value, if given)."""
        condition = [models.AggregateMetadata.key == key] if key else []
        if value is not None:
            condition.append(models.AggregateMetadata.value == value)
        return cls._query(context, models.Aggregate.metadata_items.any(
            sa.and_(*condition)))


def _make_list(list_cls, context, items):
    result = list_cls(context, objects=items)
    result.obj_reset_changes()
    return result
