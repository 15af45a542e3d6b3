"""SQL of instances and their side tables (extra, metadata, faults).

SQLAlchemy Core, batched: a list of N instances costs one query for the
instances (joined to instance_extra) plus one per side table asked for,
never a query per instance.
"""
import datetime
import functools
import re

import sqlalchemy as sa

from nova.db import in_lists
from nova.db.main import instance_actions
from nova.db.main import models
from nova.db.types import utcnow
from nova import exception

INSTANCES = models.Instance.__table__
EXTRA = models.InstanceExtra.__table__
METADATA = models.InstanceMetadata.__table__
SYSMETA = models.InstanceSystemMetadata.__table__
FAULTS = models.InstanceFault.__table__

INSTANCE_COLUMNS = tuple(c.name for c in INSTANCES.columns)
EXTRA_COLUMNS = ('flavor', 'numa_topology', 'pci_requests', 'vcpu_model',
                 'migration_context', 'keypairs', 'device_metadata',
                 'trusted_certs', 'resources')
_INSTANCE_COLUMN_SET = frozenset(INSTANCE_COLUMNS)


def create(session, values, extra, metadata, system_metadata):
    """Insert one instance with its side rows; return the new row id."""
    now = utcnow()
    values = dict({'created_at': now}, **values, deleted=0)
    result = session.execute(INSTANCES.insert().values(**values))
    uuid = values['uuid']
    session.execute(EXTRA.insert().values(instance_uuid=uuid, created_at=now,
                                          deleted=0, **extra))
    _insert_kv(session, METADATA, uuid, metadata, now)
    _insert_kv(session, SYSMETA, uuid, system_metadata, now)
    return result.inserted_primary_key[0], now


def create_many(session, rows, actions=None):
    """Insert several instances in one statement per table.

    rows: [(values, extra, metadata, system_metadata)]; actions: rows of
    instance_actions to start with them. Returns ({uuid: id}, created_at).
    """
    now = utcnow()
    session.execute(_INSERT[INSTANCES],
                    [dict({'created_at': now}, **v, deleted=0)
                     for v, *_ in rows])
    session.execute(_INSERT[EXTRA], [
        dict(e, instance_uuid=v['uuid'], created_at=now, deleted=0)
        for v, e, *_ in rows])
    meta = [dict(instance_uuid=v['uuid'], key=k, value=val, created_at=now,
                 deleted=0) for v, _, m, _ in rows for k, val in m.items()]
    if meta:
        session.execute(_INSERT[METADATA], meta)
    sysmeta = [dict(instance_uuid=v['uuid'], key=k, value=val,
                    created_at=now, deleted=0)
               for v, _, _, s in rows for k, val in s.items()]
    if sysmeta:
        session.execute(_INSERT[SYSMETA], sysmeta)
    if actions:
        instance_actions.start(session, actions, now)
    count, params = in_lists.in_params([v['uuid'] for v, *_ in rows])
    ids = session.execute(_new_ids_statement(count), params).all()
    return dict(ids), now


# Built once (as are _GET_BRIEF, _update_statement and the soft deletes
# below): building a statement and its cache key costs more than running
# it. An executemany INSERT takes the columns of its first row.
_INSERT = {table: table.insert()
           for table in (INSTANCES, EXTRA, METADATA, SYSMETA)}

@functools.lru_cache(maxsize=in_lists.IN_PLAIN_MAX + 2)
def _new_ids_statement(count):
    return sa.select(INSTANCES.c.uuid, INSTANCES.c.id).where(
        in_lists.in_values(INSTANCES.c.uuid, count))


def _insert_kv(session, table, uuid, items, now):
    if items:
        session.execute(_INSERT[table], [
            dict(instance_uuid=uuid, key=k, value=v, created_at=now,
                 deleted=0) for k, v in items.items()])


class _DateTimeText(sa.types.TypeDecorator):
    """A DATETIME column read as its text and parsed by fromisoformat.

    PyMySQL parses DATETIME values in Python (a regular expression and
    seven int() calls each), four times the cost of reading the text; a
    list of a thousand instances reads four per row.
    """
    impl = sa.String
    cache_ok = True

    def process_result_value(self, value, dialect):
        return None if value is None else _fromisoformat(value)


_fromisoformat = datetime.datetime.fromisoformat


def _readable(column):
    """column as a list reads it (DATETIMEs as text: _DateTimeText)."""
    if isinstance(column.type, sa.DateTime):
        return sa.cast(column, _DateTimeText()).label(column.name)
    return column


def _base_select(read_deleted, columns=None):
    """SELECT of instances joined to instance_extra.

    columns: the instances and instance_extra (EXTRA_COLUMNS) columns to
    read, every one when None. The driver parses each column of each row
    in Python, so a list of many rows reads only what it shows; without an
    instance_extra column the join is left out.
    """
    if columns is None:
        query = sa.select(INSTANCES, *[EXTRA.c[n] for n in EXTRA_COLUMNS])
        join = True
    else:
        query = sa.select(*[_readable(INSTANCES.c[n])
                            if n in _INSTANCE_COLUMN_SET else EXTRA.c[n]
                            for n in columns])
        join = any(n not in _INSTANCE_COLUMN_SET for n in columns)
    query = query.select_from(INSTANCES.outerjoin(
        EXTRA, EXTRA.c.instance_uuid == INSTANCES.c.uuid) if join
        else INSTANCES)
    if read_deleted == 'no':
        query = query.where(INSTANCES.c.deleted == 0)
    elif read_deleted == 'only':
        query = query.where(INSTANCES.c.deleted != 0)
    return query


def get_by_uuid(session, uuid, read_deleted='no', side=()):
    row = session.execute(_base_select(read_deleted).where(
        INSTANCES.c.uuid == uuid)).mappings().first()
    if row is None:
        raise exception.InstanceNotFound(instance_id=uuid)
    rows = [dict(row)]
    load_side_tables(session, rows, side)
    return rows[0]


# What deciding on and casting a delete needs: a row of 14 columns
# rather than 65 (the driver's column descriptions are parsed on every
# query). An Instance read this way loads any other column on first use.
BRIEF_COLUMNS = ('id', 'uuid', 'project_id', 'user_id', 'host', 'node',
                 'vm_state', 'task_state', 'locked', 'locked_by', 'deleted',
                 'created_at', 'updated_at', 'deleted_at')


# Built once: building a statement and its cache key costs more than
# running it.
_GET_BRIEF = sa.select(*[INSTANCES.c[n] for n in BRIEF_COLUMNS]).where(
    INSTANCES.c.uuid == sa.bindparam('uuid'), INSTANCES.c.deleted == 0)


def get_brief(session, uuid):
    row = session.execute(_GET_BRIEF, {'uuid': uuid}).first()
    if row is None:
        raise exception.InstanceNotFound(instance_id=uuid)
    return row._asdict()


_SORTABLE = set(INSTANCE_COLUMNS)


def valid_regex(pattern):
    try:
        re.compile(pattern)
    except re.error:
        return False
    return True


def name_matches(pattern, name):
    """The 'name' filter on an instance in memory (build requests)."""
    if valid_regex(pattern):
        return re.search(pattern, name or '') is not None
    return pattern in (name or '')


def get_all(session, filters, sort_keys=('created_at', 'id'),
            sort_dirs=('desc', 'desc'), limit=None, marker=None,
            read_deleted='no', side=(), columns=None):
    """Instances matching filters, as dicts, sorted and paged.

    filters: exact-match columns (scalars or lists), plus 'changes-since'
    and 'changes-before' (last change >= / <=), 'name' (a regular
    expression searched in display_name, as Nova does; a pattern that is
    not a valid expression is matched literally), 'uuid' list.
    marker: uuid of the last instance of the previous page.
    columns: the columns to read (see _base_select), all when None; uuid,
    vm_state (side tables) and the sort keys (cross-cell merges) are read
    in any case.
    """
    if columns is not None:
        columns = list(dict.fromkeys(
            ['uuid', 'vm_state', *sort_keys, *columns]))
    query = _base_select(read_deleted, columns)
    for key, value in filters.items():
        if key == 'changes-since':
            query = query.where(sa.func.coalesce(
                INSTANCES.c.updated_at, INSTANCES.c.created_at) >= value)
        elif key == 'changes-before':
            query = query.where(sa.func.coalesce(
                INSTANCES.c.updated_at, INSTANCES.c.created_at) <= value)
        elif key == 'name':
            query = query.where(
                INSTANCES.c.display_name.regexp_match(value)
                if valid_regex(value) else
                INSTANCES.c.display_name.contains(value, autoescape=True))
        elif key in _SORTABLE:
            column = INSTANCES.c[key]
            if isinstance(value, (list, tuple, set)):
                query = query.where(column.in_(list(value)))
            else:
                query = query.where(column == value)
    nulls_need_placing = session.dialect.name == 'postgresql'
    orders = []
    for key, direction in zip(sort_keys, sort_dirs):
        orders.append(_order(INSTANCES.c[key], direction,
                             nulls_need_placing))
    if 'uuid' not in sort_keys:
        # uuid breaks ties, the same way the cross-cell merge does.
        orders.append(INSTANCES.c.uuid.desc())
    query = query.order_by(*orders)
    if marker is not None:
        query = _after_marker(session, query, marker, sort_keys, sort_dirs)
    if limit is not None:
        query = query.limit(limit)
    result = session.execute(query)
    keys = tuple(result.keys())
    # zip over plain rows: a RowMapping per row costs twice as much.
    rows = [dict(zip(keys, r)) for r in result]
    load_side_tables(session, rows, side)
    return rows


def _order(column, direction, nulls_need_placing):
    """ORDER BY term with NULLs first ascending, last descending.

    That is SQLite's and MariaDB's order, the one _after_marker and the
    cross-cell merge assume. PostgreSQL does the opposite, and MariaDB
    has no NULLS FIRST, so only PostgreSQL gets the explicit clause.
    """
    order = column.asc() if direction == 'asc' else column.desc()
    if nulls_need_placing and column.nullable:
        order = order.nulls_first() if direction == 'asc' \
            else order.nulls_last()
    return order


def _after_marker(session, query, marker, sort_keys, sort_dirs):
    """Keyset paging: rows strictly after the marker in the sort order.

    marker: a uuid in this database, or the marker's column values (a dict)
    when it lives in another cell.
    """
    if isinstance(marker, dict):
        marker_row = marker
    else:
        marker_row = session.execute(sa.select(INSTANCES).where(
            INSTANCES.c.uuid == marker)).mappings().first()
        if marker_row is None:
            raise exception.MarkerNotFound(marker=marker)
    keys = list(sort_keys) + ([] if 'uuid' in sort_keys else ['uuid'])
    dirs = list(sort_dirs) + ([] if 'uuid' in sort_keys else ['desc'])
    clauses = []
    for i, key in enumerate(keys):
        equal = [INSTANCES.c[k] == marker_row[k] for k in keys[:i]]
        column = INSTANCES.c[key]
        value = marker_row[key]
        if value is None:
            # NULLs sort first ascending (_order).
            beyond = column.isnot(None) if dirs[i] == 'asc' else sa.false()
        else:
            beyond = column > value if dirs[i] == 'asc' else \
                sa.or_(column < value, column.is_(None))
        clauses.append(sa.and_(*equal, beyond))
    return query.where(sa.or_(*clauses))


def get_marker_values(session, uuid):
    """Column values of an instance (deleted or not), or None."""
    row = session.execute(sa.select(INSTANCES).where(
        INSTANCES.c.uuid == uuid)).mappings().first()
    return dict(row) if row is not None else None


def load_side_tables(session, rows, side):
    """Attach metadata/system_metadata/fault to instance dicts in batches."""
    if not rows or not side:
        return
    uuids = [r['uuid'] for r in rows]
    by_uuid = {r['uuid']: r for r in rows}
    for name, table in (('metadata', METADATA),
                        ('system_metadata', SYSMETA)):
        if name not in side:
            continue
        for r in rows:
            r[name] = {}
        for uuid, key, value in session.execute(
                sa.select(table.c.instance_uuid, table.c.key, table.c.value)
                .where(table.c.instance_uuid.in_(uuids),
                       table.c.deleted == 0)):
            by_uuid[uuid][name][key] = value
    if 'fault' in side:
        for r in rows:
            r['fault'] = None
        wanted = [r['uuid'] for r in rows if r['vm_state'] == 'error']
        if wanted:
            query = sa.select(FAULTS).where(
                FAULTS.c.instance_uuid.in_(wanted), FAULTS.c.deleted == 0
            ).order_by(FAULTS.c.created_at.desc(), FAULTS.c.id.desc())
            for fault in session.execute(query).mappings():
                row = by_uuid[fault['instance_uuid']]
                if row['fault'] is None:
                    row['fault'] = dict(fault)


def update(session, uuid, values, extra=None, expected=None,
           metadata=None, system_metadata=None):
    """Compare-and-set update of one instance.

    expected: {'task_state': [allowed...], 'vm_state': [...]}; if the row no
    longer matches, raise UnexpectedTaskStateError (the caller lost a race,
    for example with a delete).
    """
    now = utcnow()
    values = dict(values, updated_at=now)
    shape = (tuple(sorted(values)), tuple(sorted(
        (column, _allowed(states)) for column, states in
        (expected or {}).items())))
    params = {'v_' + k: v for k, v in values.items()}
    params['w_uuid'] = uuid
    result = session.execute(_update_statement(*shape), params)
    if result.rowcount != 1:
        _raise_update_conflict(session, uuid, expected)
    if extra:
        session.execute(EXTRA.update().where(EXTRA.c.instance_uuid == uuid)
                        .values(updated_at=now, **extra))
    for table, items in ((METADATA, metadata), (SYSMETA, system_metadata)):
        if items is not None:
            session.execute(table.delete().where(
                table.c.instance_uuid == uuid))
            _insert_kv(session, table, uuid, items, now)
    return now


def _allowed(states):
    states = states if isinstance(states, (list, tuple, set, frozenset)) \
        else [states]
    return tuple(sorted(set(states), key=lambda state: (state is None,
                                                         state or '')))


@functools.lru_cache(maxsize=512)
def _update_statement(columns, expected):
    """The UPDATE of one live instance setting ``columns`` (bound as
    v_<column>), compare-and-set on ``expected`` ((column, allowed states),
    ...): built once per shape, since building a statement and its cache
    key costs more than running it."""
    query = INSTANCES.update().where(
        INSTANCES.c.uuid == sa.bindparam('w_uuid'), INSTANCES.c.deleted == 0)
    for column, allowed in expected:
        # One plain bind per state, not an expanding IN: SQLAlchemy would
        # rewrite the SQL text of an expanding one at every execution, a
        # third of the cost of this UPDATE.
        known = [sa.literal(a) for a in allowed if a is not None]
        conds = [INSTANCES.c[column].in_(known)] if known else []
        if None in allowed:
            conds.append(INSTANCES.c[column].is_(None))
        query = query.where(sa.or_(*conds) if conds else sa.false())
    return query.values({c: sa.bindparam('v_' + c) for c in columns})


def _raise_update_conflict(session, uuid, expected):
    # A locking read: it sees the row as the failed UPDATE did, not the
    # snapshot an earlier read of this transaction took (MariaDB).
    row = session.execute(sa.select(INSTANCES.c.task_state,
                                    INSTANCES.c.vm_state).where(
        INSTANCES.c.uuid == uuid, INSTANCES.c.deleted == 0)
        .with_for_update()).first()
    if row is None:
        raise exception.InstanceNotFound(instance_id=uuid)
    actual = row.task_state
    expected_task = (expected or {}).get('task_state')
    if actual == 'deleting':
        raise exception.UnexpectedDeletingTaskStateError(
            instance_uuid=uuid, expected=expected_task, actual=actual)
    raise exception.UnexpectedTaskStateError(
        instance_uuid=uuid, expected=expected, actual=actual)


def soft_delete(session, uuid, values):
    """Mark an instance and its side rows deleted (``deleted`` = its id)."""
    now = utcnow()
    params = {'v_' + k: v for k, v in values.items()}
    params.update(w_uuid=uuid, now=now)
    result = session.execute(_soft_delete_statement(tuple(sorted(values))),
                             params)
    if result.rowcount != 1:
        raise exception.InstanceNotFound(instance_id=uuid)
    for statement in _SOFT_DELETE_SIDE_ROWS:
        session.execute(statement, {'w_uuid': uuid, 'now': now})
    return now


@functools.lru_cache(maxsize=8)
def _soft_delete_statement(columns):
    return INSTANCES.update().where(
        INSTANCES.c.uuid == sa.bindparam('w_uuid'), INSTANCES.c.deleted == 0
    ).values(dict({c: sa.bindparam('v_' + c) for c in columns},
                  deleted=INSTANCES.c.id, deleted_at=sa.bindparam('now'),
                  updated_at=sa.bindparam('now')))


_SOFT_DELETE_SIDE_ROWS = [
    table.update().where(table.c.instance_uuid == sa.bindparam('w_uuid'),
                         table.c.deleted == 0)
    .values(deleted=table.c.id, deleted_at=sa.bindparam('now'))
    for table in (EXTRA, METADATA, SYSMETA)]


def soft_delete_many(session, uuids, values):
    """soft_delete for several instances, one statement per table; those
    deleted already (or purged) are left as they are. Returns (deleted_at,
    how many instances this marked)."""
    now = utcnow()
    uuids = sorted(set(uuids))   # one lock order for concurrent batches
    params = {'v_' + k: v for k, v in values.items()}
    params.update(w_uuids=uuids, now=now)
    result = session.execute(
        _soft_delete_many_statement(tuple(sorted(values))), params)
    for statement in _SOFT_DELETE_MANY_SIDE_ROWS:
        session.execute(statement, {'w_uuids': uuids, 'now': now})
    return now, result.rowcount


def _in_uuids(column):
    # Expanding: one prebuilt statement for any number of uuids.
    return column.in_(sa.bindparam('w_uuids', expanding=True))


@functools.lru_cache(maxsize=8)
def _soft_delete_many_statement(columns):
    return INSTANCES.update().where(
        _in_uuids(INSTANCES.c.uuid), INSTANCES.c.deleted == 0
    ).values(dict({c: sa.bindparam('v_' + c) for c in columns},
                  deleted=INSTANCES.c.id, deleted_at=sa.bindparam('now'),
                  updated_at=sa.bindparam('now')))


_SOFT_DELETE_MANY_SIDE_ROWS = [
    table.update().where(_in_uuids(table.c.instance_uuid),
                         table.c.deleted == 0)
    .values(deleted=table.c.id, deleted_at=sa.bindparam('now'))
    for table in (EXTRA, METADATA, SYSMETA)]


def add_fault(session, values):
    now = utcnow()
    session.execute(FAULTS.insert().values(created_at=now, deleted=0,
                                           **values))
    return now


def count_by_project(session, project_id):
    return session.execute(sa.select(sa.func.count()).where(
        INSTANCES.c.project_id == project_id,
        INSTANCES.c.deleted == 0)).scalar()


def live_consumer_uuids(session, uuids):
    """Those of uuids that are live instances or migrations of this cell
    (placement consumers that still have an owner)."""
    uuids = list(uuids)
    known = set()
    for table in (INSTANCES, models.Migration.__table__):
        known.update(r[0] for r in session.execute(
            sa.select(table.c.uuid).where(table.c.uuid.in_(uuids),
                                          table.c.deleted == 0)))
    return known
