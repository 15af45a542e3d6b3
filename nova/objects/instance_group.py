"""InstanceGroup: a server group, the scheduling relation of its members.

``policy`` is affinity, anti-affinity, soft-affinity or soft-anti-affinity
(``policies`` is the one-element list the API showed before 2.64);
``rules`` holds ``max_server_per_host`` for anti-affinity (2.64).
``members`` are instance uuids, added when a server is created with the
``group`` scheduler hint. ``hosts`` is not stored: it is computed from the
members' instances in the cells (:meth:`InstanceGroup.get_hosts`), so it can
never go stale.
"""

from oslo_serialization import jsonutils
from oslo_utils import uuidutils
import sqlalchemy as sa

from nova import context as nova_context
from nova.db.api import models as api_models
from nova.db.api import scheduling_models as models
from nova.db import engines
from nova.db.main import models as main_models
from nova import exception
from nova import objects
from nova.objects import base
from nova.objects import fields

POLICIES = ('anti-affinity', 'affinity', 'soft-anti-affinity',
            'soft-affinity')
_INSTANCES = main_models.Instance.__table__


def _get_row(session, group_uuid):
    row = session.query(models.InstanceGroup).filter_by(
        uuid=group_uuid).first()
    if row is None:
        raise exception.InstanceGroupNotFound(group_uuid=group_uuid)
    return row


def live_instances(context, instance_uuids):
    """The instance_uuids that are servers not on their way out (an
    instance mapping not queued for delete), in one API-DB query."""
    table = api_models.InstanceMapping.__table__
    with engines.api_reader(context) as session:
        rows = session.execute(sa.select(table.c.instance_uuid).where(
            table.c.instance_uuid.in_(list(instance_uuids)),
            sa.or_(table.c.queued_for_delete.is_(None),
                   table.c.queued_for_delete == sa.false()))).all()
    return {r[0] for r in rows}


def hosts_of_instances(context, instance_uuids):
    """{instance uuid: host} of the live, placed instances among
    instance_uuids; one query per cell (cell0 holds none)."""
    uuids = list(instance_uuids)
    found = {}
    if not uuids:
        return found
    for cell in objects.CellMappingList.get_all(context):
        if cell.is_cell0:
            continue
        with nova_context.target_cell(context, cell) as cctxt:
            with engines.main_reader(cctxt) as session:
                rows = session.execute(
                    sa.select(_INSTANCES.c.uuid, _INSTANCES.c.host).where(
                        _INSTANCES.c.uuid.in_(uuids),
                        _INSTANCES.c.deleted == 0,
                        _INSTANCES.c.host.isnot(None))).all()
        found.update((r.uuid, r.host) for r in rows)
    return found


@base.NovaObjectRegistry.register
class InstanceGroup(base.NovaObject):
    # Version 1.0: Initial version
    VERSION = '1.0'

    fields = {
        'id': fields.IntegerField(),
        'user_id': fields.StringField(nullable=True),
        'project_id': fields.StringField(nullable=True),
        'uuid': fields.UUIDField(),
        'name': fields.StringField(nullable=True),
        'policies': fields.ListOfStringsField(nullable=True),
        'policy': fields.StringField(nullable=True),
        'rules': fields.DictOfStringsField(nullable=True),
        'members': fields.ListOfStringsField(nullable=True),
        'hosts': fields.ListOfStringsField(nullable=True),
        'created_at': fields.DateTimeField(nullable=True),
        'updated_at': fields.DateTimeField(nullable=True),
        'deleted_at': fields.DateTimeField(nullable=True),
        'deleted': fields.BooleanField(default=False),
    }

    @classmethod
    def _from_row(cls, context, row, group=None):
        group = group or cls()
        for name in ('id', 'user_id', 'project_id', 'uuid', 'name',
                     'created_at', 'updated_at'):
            cls._set_from_db(group, name, getattr(row, name))
        policy = row.policies[0] if row.policies else None
        group._obj_policy = policy.policy if policy else None
        group._obj_policies = [policy.policy] if policy else []
        group._obj_rules = {k: str(v) for k, v in jsonutils.loads(
            policy.rules).items()} if policy and policy.rules else {}
        group._obj_members = [m.instance_uuid for m in row.members]
        group._obj_deleted_at = None
        group._obj_deleted = False
        group._context = context
        group.obj_reset_changes()
        return group

    def obj_load_attr(self, attrname):
        if attrname != 'hosts':
            raise exception.ObjectActionError(
                action='obj_load_attr', reason='unable to load %s' % attrname)
        self.hosts = self.get_hosts()
        self.obj_reset_changes(['hosts'])

    @classmethod
    @base.remotable
    def get_by_uuid(cls, context, uuid):
        with engines.api_reader(context) as session:
            return cls._from_row(context, _get_row(session, uuid))

    @classmethod
    @base.remotable
    def get_by_name(cls, context, name):
        """The caller's project's group of that name."""
        with engines.api_reader(context) as session:
            row = session.query(models.InstanceGroup).filter_by(
                name=name, project_id=context.project_id).first()
            if row is None:
                raise exception.InstanceGroupNotFound(group_uuid=name)
            return cls._from_row(context, row)

    @classmethod
    @base.remotable
    def get_by_instance_uuid(cls, context, instance_uuid):
        with engines.api_reader(context) as session:
            row = session.query(models.InstanceGroup).filter(
                models.InstanceGroup.members.any(
                    models.InstanceGroupMember.instance_uuid ==
                    instance_uuid)).first()
            if row is None:
                raise exception.InstanceGroupNotFound(
                    group_uuid=instance_uuid)
            return cls._from_row(context, row)

    @base.remotable
    @engines.retry_if_locked
    def create(self):
        if self.obj_attr_is_set('id'):
            raise exception.ObjectActionError(action='create',
                                              reason='already created')
        if not self.obj_attr_is_set('uuid'):
            self.uuid = uuidutils.generate_uuid()
        policy = self.policy if self.obj_attr_is_set('policy') else None
        if policy not in POLICIES:
            raise exception.ObjectActionError(
                action='create', reason='unknown policy %s' % policy)
        rules = self.rules if self.obj_attr_is_set('rules') else None
        row = models.InstanceGroup(
            uuid=self.uuid, name=self.name, user_id=self.user_id,
            project_id=self.project_id)
        row.policies = [models.InstanceGroupPolicy(
            policy=policy, rules=jsonutils.dumps(rules) if rules else None)]
        members = self.members if self.obj_attr_is_set('members') else []
        row.members = [models.InstanceGroupMember(instance_uuid=m)
                       for m in members or ()]
        with engines.api_writer(self._context) as session:
            if session.query(models.InstanceGroup.id).filter_by(
                    uuid=self.uuid).first() is not None:
                raise exception.InstanceGroupIdExists(group_uuid=self.uuid)
            session.add(row)
            session.flush()
            self._from_row(self._context, row, self)

    @base.remotable
    @engines.retry_if_locked
    def destroy(self):
        with engines.api_writer(self._context) as session:
            session.delete(_get_row(session, self.uuid))

    @classmethod
    @base.remotable
    @engines.retry_if_locked
    def add_members(cls, context, group_uuid, instance_uuids):
        """Add instances to a group; returns the uuids that were added."""
        with engines.api_writer(context) as session:
            row = _get_row(session, group_uuid)
            present = {m.instance_uuid for m in row.members}
            added = [u for u in dict.fromkeys(instance_uuids)
                     if u not in present]
            row.members.extend(models.InstanceGroupMember(instance_uuid=u)
                               for u in added)
        return added

    @classmethod
    @engines.retry_if_locked
    def remove_members(cls, context, instance_uuids):
        """Drop deleted instances from whatever groups hold them."""
        table = models.InstanceGroupMember.__table__
        with engines.api_writer(context) as session:
            session.execute(table.delete().where(
                table.c.instance_uuid.in_(list(instance_uuids))))

    def get_hosts(self, exclude=None):
        """Hosts of the members' instances (each host once)."""
        members = [m for m in self.members or ()
                   if m not in set(exclude or ())]
        return sorted(set(hosts_of_instances(self._context,
                                             members).values()))

    def count_members_by_user(self, user_id):
        """Members created by user_id, across the cells."""
        count = 0
        members = list(self.members or ())
        for cell in objects.CellMappingList.get_all(self._context):
            if cell.is_cell0 or not members:
                continue
            with nova_context.target_cell(self._context, cell) as cctxt:
                with engines.main_reader(cctxt) as session:
                    count += session.execute(
                        sa.select(sa.func.count()).where(
                            _INSTANCES.c.uuid.in_(members),
                            _INSTANCES.c.user_id == user_id,
                            _INSTANCES.c.deleted == 0)).scalar()
        return count


@base.NovaObjectRegistry.register
class InstanceGroupList(base.ObjectListBase, base.NovaObject):
    # Version 1.0: Initial version
    VERSION = '1.0'
    fields = {'objects': fields.ListOfObjectsField('InstanceGroup')}

    @classmethod
    def _query(cls, context, project_id=None, limit=None, offset=None):
        with engines.api_reader(context) as session:
            query = session.query(models.InstanceGroup).order_by(
                models.InstanceGroup.id)
            if project_id is not None:
                query = query.filter_by(project_id=project_id)
            if offset:
                query = query.offset(offset)
            if limit is not None:
                query = query.limit(limit)
            return _make_list(cls, context, [
                InstanceGroup._from_row(context, r) for r in query.all()])

    @classmethod
    @base.remotable
    def get_by_project_id(cls, context, project_id, limit=None, offset=None):
        return cls._query(context, project_id, limit, offset)

    @classmethod
    @base.remotable
    def get_all(cls, context, limit=None, offset=None):
        return cls._query(context, None, limit, offset)

    @classmethod
    def get_by_instance_uuids(cls, context, instance_uuids):
        """{instance uuid: group uuid} of the given instances' groups."""
        members = models.InstanceGroupMember.__table__
        groups = models.InstanceGroup.__table__
        with engines.api_reader(context) as session:
            rows = session.execute(
                sa.select(members.c.instance_uuid, groups.c.uuid).join(
                    groups, groups.c.id == members.c.group_id).where(
                    members.c.instance_uuid.in_(list(instance_uuids)))).all()
        return {r[0]: r[1] for r in rows}


def _make_list(list_cls, context, items):
    result = list_cls(context, objects=items)
    result.obj_reset_changes()
    return result
