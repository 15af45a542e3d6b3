"""The pool rolls back a returned connection only when its transaction is
still open (nova.db.engines._skip_needless_resets), on every backend.

ROLLBACKs are counted where they reach the driver: every DBAPI
connection of the engine under test counts its own rollback() calls,
whoever makes them (the session, SQLAlchemy's Connection, or the pool).
"""
import sqlite3

import psycopg
import pymysql
import pytest
import sqlalchemy as sa

from nova import context as nova_context
from nova.db import engines
from tests.unit.db.conftest import BACKENDS

ROLLBACKS = []


class _Counting:
    def rollback(self):
        ROLLBACKS.append(self)
        return super().rollback()


class _SqliteConnection(_Counting, sqlite3.Connection):
    pass


class _PyMySQLConnection(_Counting, pymysql.connections.Connection):
    pass


class _PsycopgConnection(_Counting, psycopg.Connection):
    pass


def _counting_connect(dialect, record, cargs, cparams):
    if dialect.driver == 'pysqlite':
        cparams['factory'] = _SqliteConnection
        return None
    if dialect.driver == 'pymysql':
        return _PyMySQLConnection(*cargs, **cparams)
    if dialect.driver == 'psycopg':
        return _PsycopgConnection.connect(*cargs, **cparams)
    raise AssertionError('no counting connection for %s' % dialect.driver)


METADATA = sa.MetaData()
ROWS = sa.Table('pool_rows', METADATA,
                sa.Column('id', sa.Integer, primary_key=True,
                          autoincrement=False))


@pytest.fixture(params=BACKENDS)
def backend(request):
    return request.param


@pytest.fixture
def url(make_database, backend):
    url = make_database(backend)
    engine = engines.get_engine(url)
    METADATA.create_all(engine)
    sa.event.listen(engine, 'do_connect', _counting_connect)
    engine.dispose()  # every pooled connection from now on counts
    yield url
    sa.event.remove(engine, 'do_connect', _counting_connect)


@pytest.fixture
def rollbacks():
    del ROLLBACKS[:]
    yield ROLLBACKS
    del ROLLBACKS[:]


def _insert(url, row_id):
    """A row written by another connection, as another process would."""
    other = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with other.begin() as conn:
            conn.execute(ROWS.insert().values(id=row_id))
    finally:
        other.dispose()


def _committed_write(url, row_id):
    manager = engines.context_manager_for(url)
    with manager.writer.using(nova_context.get_admin_context()) as session:
        session.execute(ROWS.insert().values(id=row_id))


def _count_rows(url):
    manager = engines.context_manager_for(url)
    with manager.reader.using(nova_context.get_admin_context()) as session:
        return session.execute(sa.select(sa.func.count()).select_from(
            ROWS)).scalar()


def _open_transaction(dbapi_connection):
    """Whether the driver says a transaction is open (MariaDB's PyMySQL
    cannot tell a read snapshot: see the fresh-data checks)."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        return dbapi_connection.in_transaction
    if isinstance(dbapi_connection, psycopg.Connection):
        return (dbapi_connection.info.transaction_status !=
                psycopg.pq.TransactionStatus.IDLE)
    return None


def test_a_committed_writer_transaction_is_not_rolled_back(url, rollbacks):
    _committed_write(url, 1)
    _committed_write(url, 2)
    assert rollbacks == []
    assert _count_rows(url) == 2


def test_a_reader_transaction_is_rolled_back_once_by_its_session(
        url, rollbacks):
    assert _count_rows(url) == 0
    assert len(rollbacks) == 1


def test_a_failed_writer_transaction_is_rolled_back_once(url, rollbacks):
    _committed_write(url, 1)
    del rollbacks[:]
    with pytest.raises(Exception):
        _committed_write(url, 1)  # duplicate primary key
    assert len(rollbacks) == 1
    assert _count_rows(url) == 1


def test_a_connection_returned_mid_transaction_is_rolled_back(
        url, rollbacks):
    engine = engines.get_engine(url)
    _committed_write(url, 1)  # the pooled connection was tracked before
    del rollbacks[:]
    conn = engine.connect()
    dbapi_connection = conn.connection.dbapi_connection
    conn.begin()
    conn.execute(ROWS.insert().values(id=2))
    conn.close()  # transaction neither committed nor rolled back by hand
    assert len(rollbacks) == 1
    with engine.connect() as again:
        assert again.connection.dbapi_connection is dbapi_connection
        assert not _open_transaction(dbapi_connection)
        assert again.execute(sa.select(ROWS.c.id)).scalars().all() == [1]


def test_a_raw_connection_returned_with_a_snapshot_sees_fresh_data(
        url, backend, rollbacks):
    # Nobody but the pool can end this transaction: SQLAlchemy's
    # Connection never saw it begin.
    engine = engines.get_engine(url)
    _committed_write(url, 1)  # the pooled connection was tracked before
    del rollbacks[:]
    raw = engine.raw_connection()
    dbapi_connection = raw.dbapi_connection
    cursor = raw.cursor()
    if backend == 'sqlite':
        cursor.execute('BEGIN')  # pysqlite does not begin for a SELECT
    cursor.execute('SELECT count(*) FROM pool_rows')  # MariaDB: snapshot now
    assert cursor.fetchall()[0][0] == 1
    cursor.close()
    raw.close()
    _insert(url, 2)
    raw = engine.raw_connection()
    try:
        assert raw.dbapi_connection is dbapi_connection
        assert not _open_transaction(dbapi_connection)
        cursor = raw.cursor()
        cursor.execute('SELECT count(*) FROM pool_rows')
        assert cursor.fetchall()[0][0] == 2
        cursor.close()
    finally:
        raw.close()
    assert rollbacks[0] is dbapi_connection  # the pool's, on the return
