"""One oslo.db transaction context per database URL.

The API database has one; each cell database has one, found by URL from the
cell mapping (cells v2). A request context that targets a cell carries that
cell's manager in ``db_connection``; :func:`main_writer`/:func:`main_reader`
pick it, falling back to this process's ``[database]``.
"""
import threading

from oslo_db import api as oslo_db_api
from oslo_db.sqlalchemy import enginefacade
import sqlalchemy as sa

_LOCK = threading.Lock()
_MANAGERS = {}
_DEFAULTS = {'api': None, 'main': None}
_POOL = {}


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


def context_manager_for(url):
    """Return the (cached) transaction context manager for a database URL."""
    if not url:
        raise ValueError('no database connection configured')
    with _LOCK:
        manager = _MANAGERS.get(url)
        if manager is None:
            manager = enginefacade.transaction_context()
            manager.configure(connection=_prepare_url(url),
                              sqlite_fk=False,
                              connection_parameters=_connection_parameters(
                                  url),
                              max_pool_size=_POOL.get('max_pool_size'),
                              max_overflow=_POOL.get('max_overflow'))
            if url.startswith('sqlite'):
                engine = manager.writer.get_engine()
                sa.event.listen(engine, 'connect', _on_sqlite_connect)
                # The connection made while starting the facade predates
                # the listener; drop it so every pooled one has the pragmas.
                engine.dispose()
            _MANAGERS[url] = manager
        return manager


def get_engine(url):
    return context_manager_for(url).writer.get_engine()


def api_manager():
    return context_manager_for(_DEFAULTS['api'])


def main_manager(context=None):
    manager = getattr(context, 'db_connection', None)
    return manager or context_manager_for(_DEFAULTS['main'])


def api_writer(context):
    return api_manager().writer.using(context)


def api_reader(context):
    return api_manager().reader.using(context)


def main_writer(context):
    return main_manager(context).writer.using(context)


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


# SQLite lets one writer at a time; a write that finds the file busy past
# the busy timeout is retried rather than failing a half-done workflow.
retry_if_locked = oslo_db_api.wrap_db_retry(
    max_retries=20, retry_interval=0.05, max_retry_interval=1,
    inc_retry_interval=True, exception_checker=_locked)
