"""InstanceAction and InstanceActionEvent: the audit trail of a server."""
import traceback as tb_module

import sqlalchemy as sa

from nova.db.main import instance_actions as db
from nova.db.main import models
from nova.db import engines
from nova.db.types import utcnow
from nova import exception
from nova.objects import base
from nova.objects import fields

_ACTIONS = models.InstanceAction.__table__
_EVENTS = models.InstanceActionEvent.__table__
_ACTION_COLUMNS = ('id', 'action', 'instance_uuid', 'request_id', 'user_id',
                   'project_id', 'start_time', 'finish_time', 'message')
_EVENT_COLUMNS = ('id', 'event', 'action_id', 'start_time', 'finish_time',
                  'result', 'traceback', 'host', 'details')


class Actions:
    CREATE = 'create'
    DELETE = 'delete'


class Events:
    """Nova's names of the compute events the conductor's batches record
    (a successful build's, a delete's)."""
    BUILD = 'compute__do_build_and_run_instance'
    TERMINATE = 'compute_terminate_instance'


@base.NovaObjectRegistry.register
class InstanceAction(base.NovaPersistentObject, base.NovaObject):
    # Version 1.0: Initial version
    VERSION = '1.0'

    fields = dict({
        'id': fields.IntegerField(),
        'action': fields.StringField(nullable=True),
        'instance_uuid': fields.UUIDField(nullable=True),
        'request_id': fields.StringField(nullable=True),
        'user_id': fields.StringField(nullable=True),
        'project_id': fields.StringField(nullable=True),
        'start_time': fields.DateTimeField(nullable=True),
        'finish_time': fields.DateTimeField(nullable=True),
        'message': fields.StringField(nullable=True),
    }, **base.NovaPersistentObject.fields)

    @classmethod
    def _from_db_object(cls, context, action, row):
        for name in _ACTION_COLUMNS + ('created_at', 'updated_at',
                                       'deleted_at'):
            cls._set_from_db(action, name, row[name])
        action._obj_deleted = bool(row['deleted'])
        action._context = context
        action.obj_reset_changes()
        return action

    @staticmethod
    def start_many(context, instance_uuids, action):
        """Record the start of one action on several instances at once, in
        one INSERT (in the caller's transaction when it has one)."""
        with engines.main_writer(context) as session:
            db.start(session.connection(), [
                {'action': action, 'instance_uuid': uuid,
                 'request_id': context.request_id,
                 'user_id': context.user_id,
                 'project_id': context.project_id}
                for uuid in instance_uuids], utcnow())

    @classmethod
    @base.remotable
    def action_start(cls, context, instance_uuid, action_name):
        cls.start_many(context, [instance_uuid], action_name)

    @classmethod
    @base.remotable
    def get_by_request_id(cls, context, instance_uuid, request_id):
        with engines.main_reader(context) as session:
            row = session.execute(_ACTIONS.select().where(
                _ACTIONS.c.instance_uuid == instance_uuid,
                _ACTIONS.c.request_id == request_id).order_by(
                _ACTIONS.c.id.desc())).mappings().first()
        if row is None:
            raise exception.InstanceActionNotFound(
                request_id=request_id, instance_uuid=instance_uuid)
        return cls._from_db_object(context, cls(), row)

    @classmethod
    def get_with_events(cls, context, instance_uuid, request_id,
                        events=True):
        """(action, [events newest first]) of a request on an instance, in
        one query (the newest action of the request, its events joined);
        InstanceActionNotFound when there is none. events=False reads the
        action alone. Deleted rows follow context.read_deleted. Not
        remotable: only nova-api reads it.
        """
        action = sa.select(_ACTIONS).where(
            _ACTIONS.c.instance_uuid == instance_uuid,
            _ACTIONS.c.request_id == request_id,
            *_visible(_ACTIONS, context.read_deleted)).order_by(
            *_NEWEST_FIRST).limit(1)
        if events:
            action = action.subquery('action')
            query = sa.select(action, *[
                _EVENTS.c[name].label('event_' + name)
                for name in _EVENT_ROW_COLUMNS]).select_from(
                action.outerjoin(_EVENTS, sa.and_(
                    _EVENTS.c.action_id == action.c.id,
                    *_visible(_EVENTS, context.read_deleted)))).order_by(
                _EVENTS.c.created_at.desc(), _EVENTS.c.id.desc())
        else:
            query = action
        with engines.main_reader(context) as session:
            rows = session.execute(query).mappings().all()
        if not rows:
            raise exception.InstanceActionNotFound(
                request_id=request_id, instance_uuid=instance_uuid)
        found = cls._from_db_object(context, cls(), rows[0])
        if not events:
            return found, []
        return found, [
            InstanceActionEvent._from_db_object(
                context, InstanceActionEvent(),
                {name: row['event_' + name] for name in _EVENT_ROW_COLUMNS})
            for row in rows if row['event_id'] is not None]


@base.NovaObjectRegistry.register
class InstanceActionList(base.ObjectListBase, base.NovaObject):
    # Version 1.0: Initial version
    VERSION = '1.0'
    fields = {'objects': fields.ListOfObjectsField('InstanceAction')}

    @classmethod
    @base.remotable
    def get_by_instance_uuid(cls, context, instance_uuid):
        with engines.main_reader(context) as session:
            rows = session.execute(_ACTIONS.select().where(
                _ACTIONS.c.instance_uuid == instance_uuid).order_by(
                _ACTIONS.c.created_at.desc(), _ACTIONS.c.id.desc())
            ).mappings().all()
        return base.obj_make_list(context, cls(context), rows)

    @classmethod
    def get_page(cls, context, instance_uuid, limit=None, marker=None,
                 changes_since=None, changes_before=None):
        """A page of the actions of an instance, newest first, in one
        query: marker is the request_id of the last action of the previous
        page (MarkerNotFound when the instance has no such action),
        changes_since/changes_before bound the last change of an action
        (its updated_at, else its creation). Deleted rows follow
        context.read_deleted. Not remotable: only nova-api reads it.
        """
        if limit == 0:
            return cls(context, objects=[])
        query, has_marker = _page_query(
            instance_uuid, context.read_deleted, limit, marker,
            base.naive(changes_since), base.naive(changes_before))
        with engines.main_reader(context) as session:
            rows = session.execute(query).mappings().all()
        if has_marker:
            # The marker's own row comes first; none: no such marker.
            if not rows:
                raise exception.MarkerNotFound(marker=marker)
            rows = rows[1:]
        return base.obj_make_list(context, cls(context), rows)


_NEWEST_FIRST = (_ACTIONS.c.created_at.desc(), _ACTIONS.c.id.desc())
_EVENT_ROW_COLUMNS = _EVENT_COLUMNS + ('created_at', 'updated_at',
                                       'deleted_at', 'deleted')


def _visible(table, read_deleted):
    """The WHERE terms of a context's read_deleted on a soft-delete table.
    """
    if read_deleted == 'no':
        return [table.c.deleted == 0]
    if read_deleted == 'only':
        return [table.c.deleted != 0]
    return []


def _page_query(instance_uuid, read_deleted, limit, marker, since, before):
    """(query, has_marker). With a marker, the actions are joined to the
    marker's row and start with it (it passes the filters whatever its
    time), so that one query both finds the marker and reads the page."""
    changed = sa.func.coalesce(_ACTIONS.c.updated_at, _ACTIONS.c.created_at)
    filters = []
    if since is not None:
        filters.append(changed >= since)
    if before is not None:
        filters.append(changed <= before)
    where = [_ACTIONS.c.instance_uuid == instance_uuid,
             *_visible(_ACTIONS, read_deleted)]
    query = sa.select(_ACTIONS)
    if marker is None:
        query = query.where(*where, *filters)
    else:
        mark = sa.select(
            _ACTIONS.c.id.label('id'),
            _ACTIONS.c.created_at.label('created_at')).where(
            *where, _ACTIONS.c.request_id == marker).order_by(
            *_NEWEST_FIRST).limit(1).subquery('mark')
        query = query.select_from(_ACTIONS.join(mark, sa.or_(
            _ACTIONS.c.created_at < mark.c.created_at,
            sa.and_(_ACTIONS.c.created_at == mark.c.created_at,
                    _ACTIONS.c.id <= mark.c.id)))).where(*where)
        if filters:
            query = query.where(sa.or_(_ACTIONS.c.id == mark.c.id,
                                       sa.and_(*filters)))
        if limit is not None:
            limit += 1
    query = query.order_by(*_NEWEST_FIRST)
    if limit is not None:
        query = query.limit(limit)
    return query, marker is not None


@base.NovaObjectRegistry.register
class InstanceActionEvent(base.NovaPersistentObject, base.NovaObject):
    # Version 1.0: Initial version
    VERSION = '1.0'

    fields = dict({
        'id': fields.IntegerField(),
        'event': fields.StringField(nullable=True),
        'action_id': fields.IntegerField(nullable=True),
        'start_time': fields.DateTimeField(nullable=True),
        'finish_time': fields.DateTimeField(nullable=True),
        'result': fields.StringField(nullable=True),
        'traceback': fields.StringField(nullable=True),
        'host': fields.StringField(nullable=True),
        'details': fields.StringField(nullable=True),
    }, **base.NovaPersistentObject.fields)

    @classmethod
    def _from_db_object(cls, context, event, row):
        for name in _EVENT_COLUMNS + ('created_at', 'updated_at',
                                      'deleted_at'):
            cls._set_from_db(event, name, row[name])
        event._obj_deleted = bool(row['deleted'])
        event._context = context
        event.obj_reset_changes()
        return event

    @classmethod
    @base.remotable
    def event_finish(cls, context, instance_uuid, event_name, host,
                     start_time, result='Success', exc_text=None,
                     details=None):
        """Record a finished event on the newest action of the request.

        One round trip: computes call this once per step, when the step is
        over, with the time it started.
        """
        _write_event(context, instance_uuid, event_name, host, start_time,
                     result, exc_text, details)

    @staticmethod
    def finish_many(context, action, event, finished, live_only=False):
        """Record the successful event ``event`` on the newest ``action`` of
        several instances, in three statements whatever their number (in
        the caller's transaction when it has one): the conductor's batches.
        finished: {instance uuid: (start time, as a datetime or the ISO
        string RPC made of it; host)}; live_only: not on instances deleted
        already. Not remotable."""
        if not finished:
            return 0
        finished = {uuid: (base.naive(started), host)
                    for uuid, (started, host) in finished.items()}
        with engines.main_writer(context) as session:
            return db.finish_events(session.connection(), action, event,
                                    finished, utcnow(), live_only=live_only)

    @staticmethod
    def format_exception(exc):
        return ''.join(tb_module.format_exception(exc))


# A SELECT then an INSERT in one transaction: SQLite may refuse the
# upgrade to a writer at once when another one wrote meanwhile; retry.
@engines.retry_if_locked
def _write_event(context, instance_uuid, event_name, host, start_time,
                 result, exc_text, details):
    now = utcnow()
    with engines.main_writer(context) as session:
        action_id = session.execute(
            _ACTIONS.select().with_only_columns(_ACTIONS.c.id).where(
                _ACTIONS.c.instance_uuid == instance_uuid,
                _ACTIONS.c.request_id == context.request_id).order_by(
                _ACTIONS.c.id.desc())).scalar()
        if action_id is None:
            return
        session.execute(_EVENTS.insert().values(
            event=event_name, action_id=action_id,
            start_time=base.naive(start_time), finish_time=now,
            result=result, traceback=exc_text, host=host,
            details=details, created_at=now, deleted=0))
        values = {'updated_at': now}
        if result != 'Success':
            values['message'] = 'Error'
        session.execute(_ACTIONS.update().where(
            _ACTIONS.c.id == action_id).values(**values))


@base.NovaObjectRegistry.register
class InstanceActionEventList(base.ObjectListBase, base.NovaObject):
    # Version 1.0: Initial version
    VERSION = '1.0'
    fields = {'objects': fields.ListOfObjectsField('InstanceActionEvent')}

    @classmethod
    @base.remotable
    def get_by_action(cls, context, action_id):
        with engines.main_reader(context) as session:
            rows = session.execute(_EVENTS.select().where(
                _EVENTS.c.action_id == action_id).order_by(
                _EVENTS.c.id.desc())).mappings().all()
        return base.obj_make_list(context, cls(context),
                                  rows)
