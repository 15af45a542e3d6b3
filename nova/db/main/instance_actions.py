"""SQL of instance actions and their events on the hot paths, in batches.

A create records its ``create`` actions with its instances
(``instances.create_many``); the conductor's batches record the events that
end them: the ACTIVE writes of builds that spawned, the soft deletes that
end deletes. A batch costs three statements whatever its size (the action
ids, one INSERT of the events, one UPDATE of the actions' updated_at),
never one per instance. Statements are built once (per IN-list length, see
``nova.db.in_lists``): building one costs more than running it.
"""
import functools

import sqlalchemy as sa

from nova.db import in_lists
from nova.db.main import models

ACTIONS = models.InstanceAction.__table__
EVENTS = models.InstanceActionEvent.__table__
INSTANCES = models.Instance.__table__

_INSERT_ACTIONS = ACTIONS.insert()
_INSERT_EVENTS = EVENTS.insert()


def start(session, rows, now):
    """Insert the start of actions: rows of action, instance_uuid,
    request_id, user_id and project_id; one statement. updated_at is their
    start, as Nova records it, until an event moves it."""
    session.execute(_INSERT_ACTIONS, [
        dict(row, start_time=now, created_at=now, updated_at=now, deleted=0)
        for row in rows])


def finish_events(session, action, event, finished, now, live_only=False):
    """Record the successful event ``event`` on the newest ``action`` of each
    instance, and move those actions' updated_at to now.

    finished: {instance uuid: (start time, host)}. An instance without
    such an action gets no event; with live_only, nor does one deleted
    already (a delete that ends twice records its event once). Returns how
    many events were written.
    """
    if not finished:
        return 0
    count, params = in_lists.in_params(finished, 'w_uuid')
    params['action'] = action
    ids = dict(session.execute(_newest_ids_statement(count, live_only),
                               params).all())
    if not ids:
        return 0
    session.execute(_INSERT_EVENTS, [
        {'event': event, 'action_id': action_id,
         'start_time': finished[uuid][0], 'finish_time': now,
         'result': 'Success', 'traceback': None, 'host': finished[uuid][1],
         'details': None, 'created_at': now, 'deleted': 0}
        for uuid, action_id in ids.items()])
    count, params = in_lists.in_params(sorted(ids.values()), 'w_id')
    params['now'] = now
    session.execute(_touch_statement(count), params)
    return len(ids)


@functools.lru_cache(maxsize=2 * (in_lists.IN_PLAIN_MAX + 2))
def _newest_ids_statement(count, live_only):
    """(instance uuid, id of its newest action named :action)."""
    query = sa.select(ACTIONS.c.instance_uuid, sa.func.max(ACTIONS.c.id))
    if live_only:
        query = query.select_from(ACTIONS.join(INSTANCES, sa.and_(
            INSTANCES.c.uuid == ACTIONS.c.instance_uuid,
            INSTANCES.c.deleted == 0)))
    return query.where(
        in_lists.in_values(ACTIONS.c.instance_uuid, count, 'w_uuid'),
        ACTIONS.c.action == sa.bindparam('action')).group_by(
        ACTIONS.c.instance_uuid)


@functools.lru_cache(maxsize=in_lists.IN_PLAIN_MAX + 2)
def _touch_statement(count):
    return ACTIONS.update().where(
        in_lists.in_values(ACTIONS.c.id, count, 'w_id')).values(
        updated_at=sa.bindparam('now'))
