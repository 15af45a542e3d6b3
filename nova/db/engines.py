"""One oslo.db transaction context per database URL.

The API database has one; each cell database has one, found by URL from the
cell mapping (cells v2). A request context that targets a cell carries that
cell's manager in ``db_connection``; :func:`main_writer`/:func:`main_reader`
pick it, falling back to this process's ``[database]``.
"""
import contextlib
import functools
import inspect
import threading

from oslo_db import api as oslo_db_api
from oslo_db.sqlalchemy import enginefacade
import sqlalchemy as sa

_LOCK = threading.Lock()
_MANAGERS = {}
_DEFAULTS = {'api': None, 'main': None}
_POOL = {}
# How many writer blocks this thread is inside (SQLite BEGIN IMMEDIATE).
_WRITING = threading.local()


def configure(conf):
    """Remember this process's API and main database URLs and pool sizes."""
    _DEFAULTS['api'] = conf.api_database.connection
    _DEFAULTS['main'] = conf.database.connection
    _POOL.update(max_pool_size=conf.database.max_pool_size,
                 max_overflow=conf.database.max_overflow)


def _prepare_url(url):
    """SQLite needs a busy timeout: several threads write to one file."""
    if url.startswith('sqlite') and ':memory:' not in url and url != \
            'sqlite://' and 'timeout=' not in url:
        url += ('&' if '?' in url else '?') + 'timeout=30'
    return url


_LOOPBACK = ('127.0.0.1', 'localhost', '::1', None)


def _connection_parameters(url):
    """Query-string parameters added to the URL for the driver.

    PyMySQL 1.2 tries TLS on every new connection unless told otherwise
    and builds an SSL context each time (about 30 ms of CPU). Traffic to
    a loopback server never leaves the host, so TLS there protects nothing;
    an explicit ``ssl*`` option in the URL still wins.
    """
    parsed = sa.engine.make_url(url)
    if parsed.drivername == 'mysql+pymysql' and parsed.host in _LOOPBACK \
            and not any(k.startswith('ssl') for k in parsed.query):
        return 'ssl_disabled=1'
    return None


def _on_sqlite_connect(dbapi_connection, _record):
    cursor = dbapi_connection.cursor()
    cursor.execute('PRAGMA journal_mode=WAL')
    cursor.execute('PRAGMA synchronous=NORMAL')
    cursor.close()


def _sqlite_begin(conn):
    """Begin a transaction; take SQLite's write lock at once for writers.

    A deferred transaction that reads and then writes cannot wait for the
    lock: SQLite answers "database is locked" at once if another
    connection wrote since its read began. Writers that start IMMEDIATE
    queue on the busy timeout instead; readers stay deferred (WAL lets
    them run beside a writer).
    """
    if 'in_transaction' not in conn.info:
        conn.exec_driver_sql('BEGIN IMMEDIATE'
                             if getattr(_WRITING, 'depth', 0) else 'BEGIN')
        conn.info['in_transaction'] = True


def _replace_sqlite_begin(engine):
    # oslo.db registers its own 'begin' listener that always emits a plain
    # BEGIN; ours does the same job, so it takes its place.
    for listener in list(engine.dispatch.begin):
        if getattr(listener, '__name__', '') == '_sqlite_emit_begin':
            sa.event.remove(engine, 'begin', listener)
    sa.event.listen(engine, 'begin', _sqlite_begin)


def _pool_sqlite_file(engine):
    """Keep SQLite file connections open between transactions.

    oslo.db gives SQLite files a NullPool: every transaction opens a
    connection and closing the last one checkpoints the WAL, about 11 ms
    per write. A QueuePool (connections are usable from any thread with
    SQLAlchemy 2's pysqlite dialect) halves the cost of a write.
    """
    old = engine.pool
    if not isinstance(old, sa.pool.NullPool):
        return  # in-memory databases keep their StaticPool
    engine.pool = sa.pool.QueuePool(
        old._creator, pool_size=_POOL.get('max_pool_size') or 5,
        max_overflow=_POOL.get('max_overflow') or 10, timeout=30,
        recycle=old._recycle, echo=old.echo,
        logging_name=old._orig_logging_name,
        reset_on_return=old._reset_on_return, _dispatch=old.dispatch,
        dialect=old._dialect, pre_ping=old._pre_ping)


_OPEN = 'nova_transaction_open'


def _opened(conn, *args):
    conn.info[_OPEN] = True


def _ended(conn, *args):
    conn.info[_OPEN] = False


def _failed(context):
    # A failed COMMIT may leave the transaction open: roll back on return.
    if context.connection is not None and not context.connection.closed:
        context.connection.info[_OPEN] = True


def _checked_out(dbapi_connection, record, proxy):
    # Unknown until this use's begin and end are seen: a use the events do
    # not see (a raw DBAPI connection) is rolled back on return.
    record.info.pop(_OPEN, None)


def _reset_open_transactions(dbapi_connection, record, state):
    if state.transaction_was_reset:
        return
    if record is None or record.info.get(_OPEN, True):
        dbapi_connection.rollback()


def _skip_needless_resets(engine):
    """Roll back a returned connection only if its transaction is open.

    The pool rolls back every connection it gets back, but the session
    has committed or rolled back already: one more round trip per
    transaction for nothing. Statements only run inside transactions the
    engine's events see begin and end, so those events say whether one
    is still open; a connection nobody tracked is rolled back as before.
    (MariaDB's "in transaction" status flag cannot say: a read leaves a
    snapshot open without setting it.)
    """
    sa.event.listen(engine, 'begin', _opened)
    sa.event.listen(engine, 'commit', _ended)
    sa.event.listen(engine, 'rollback', _ended)
    sa.event.listen(engine, 'handle_error', _failed)
    engine.pool._reset_on_return = sa.pool.base.reset_none
    sa.event.listen(engine.pool, 'checkout', _checked_out)
    sa.event.listen(engine.pool, 'reset', _reset_open_transactions)


class NotConfigured(ValueError):
    """No URL for a database this process needs."""


def context_manager_for(url):
    """Return the (cached) transaction context manager for a database URL."""
    if not url:
        raise NotConfigured('no database connection configured')
    with _LOCK:
        manager = _MANAGERS.get(url)
        if manager is None:
            manager = enginefacade.transaction_context()
            # thread_checkin: oslo.db would sleep(0) on every checkin, for
            # eventlet; with real threads it only gives the GIL away.
            manager.configure(connection=_prepare_url(url),
                              sqlite_fk=False, thread_checkin=False,
                              connection_parameters=_connection_parameters(
                                  url),
                              max_pool_size=_POOL.get('max_pool_size'),
                              max_overflow=_POOL.get('max_overflow'))
            if url.startswith('sqlite'):
                engine = manager.writer.get_engine()
                sa.event.listen(engine, 'connect', _on_sqlite_connect)
                _replace_sqlite_begin(engine)
                _pool_sqlite_file(engine)
                # The connection made while starting the facade predates
                # the listener; drop it so every pooled one has the pragmas.
                engine.dispose()
            _skip_needless_resets(manager.writer.get_engine())
            _MANAGERS[url] = manager
        return manager


def get_engine(url):
    return context_manager_for(url).writer.get_engine()


def api_manager():
    return context_manager_for(_DEFAULTS['api'])


def main_manager(context=None):
    manager = getattr(context, 'db_connection', None)
    return manager or context_manager_for(_DEFAULTS['main'])


@contextlib.contextmanager
def _writing(transaction):
    _WRITING.depth = getattr(_WRITING, 'depth', 0) + 1
    try:
        with transaction as session:
            yield session
    finally:
        _WRITING.depth -= 1


def api_writer(context):
    return _writing(api_manager().writer.using(context))


def api_reader(context):
    return api_manager().reader.using(context)


def main_writer(context):
    return _writing(main_manager(context).writer.using(context))


def main_reader(context):
    return main_manager(context).reader.using(context)


def dispose_all():
    """Close every pooled connection (tests, and before a process forks)."""
    with _LOCK:
        for manager in _MANAGERS.values():
            try:
                manager.writer.get_engine().dispose()
            except Exception:
                pass
        _MANAGERS.clear()


def _locked(exc):
    return 'database is locked' in str(exc)


# SQLite lets one writer at a time, and MariaDB or PostgreSQL may pick a
# transaction as the victim of a deadlock: such a write is retried rather
# than failing a half-done workflow.
_retry_locked = oslo_db_api.wrap_db_retry(
    max_retries=20, retry_interval=0.05, max_retry_interval=1,
    inc_retry_interval=True, retry_on_deadlock=True,
    exception_checker=_locked)


def retry_if_locked(function):
    """Retry function while the database is locked or deadlocked.

    Only the outermost writer retries: inside another writer's
    transaction the whole transaction is lost, so retrying one statement
    of it cannot work. The wrapper keeps the function's signature, which
    the versioned objects' fingerprints read from remotable methods.
    """
    retrying = _retry_locked(function)

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        if getattr(_WRITING, 'depth', 0):
            return function(*args, **kwargs)
        return retrying(*args, **kwargs)
    wrapper.__signature__ = inspect.signature(function)
    return wrapper
