"""IN lists bound so that a statement built once stays cheap to run."""
import sqlalchemy as sa

# An expanding bindparam (``col.in_(list)`` is one too) makes
# SQLAlchemy rewrite the SQL text and the parameters at every execution;
# a statement with one plain bindparam per value does not, so short lists
# use one cached per length. Measured (SQLAlchemy 2.1, CPU of one SELECT
# ... WHERE uuid IN of 1, 3 or 10 values, on a busy 2-core host): SQLite
# 50-80 us plain, 80-120 us expanding, 210-260 us built per call;
# MariaDB (PyMySQL) 170-250 us plain, 200-300 us expanding, 290-440 us
# built per call. Longer lists, rarer (a multi-create of many, every
# host of a cloud), take one expanding statement: a statement per length
# would crowd the engine's compiled cache.
IN_PLAIN_MAX = 16


def in_values(column, count, name='in'):
    """``column IN`` ``count`` plain bindparams ``<name>_0``..., or one
    expanding ``<name>`` when count is None (see in_params)."""
    if count is None:
        return column.in_(sa.bindparam(name, expanding=True))
    return column.in_([sa.bindparam('%s_%d' % (name, i), type_=column.type)
                       for i in range(count)])


def in_params(values, name='in'):
    """(count, parameters) binding values to ``in_values(column, count,
    name)``; count is None (expanding) past IN_PLAIN_MAX values, so a
    statement cached per count has at most IN_PLAIN_MAX + 2 shapes."""
    values = list(values)
    if len(values) > IN_PLAIN_MAX:
        return None, {name: values}
    return len(values), {'%s_%d' % (name, i): value
                         for i, value in enumerate(values)}
