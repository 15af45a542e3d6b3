"""Throw-away databases on SQLite, MariaDB and PostgreSQL.

The servers are the local ones CI runs (override with NOVA_TEST_MYSQL_URL /
NOVA_TEST_POSTGRESQL_URL, admin URLs without a database name). When one is
unreachable its tests skip with a warning naming it, unless
NOVA_TEST_REQUIRE_DB_SERVERS is set, where they fail instead.
"""
import os
import uuid
import warnings

import pytest
import sqlalchemy as sa

from nova.db import engines
from nova.db import migration

SERVERS = {
    'mysql': ('MariaDB/MySQL', os.environ.get(
        'NOVA_TEST_MYSQL_URL', 'mysql+pymysql://root@127.0.0.1:3306/')),
    'postgresql': ('PostgreSQL', os.environ.get(
        'NOVA_TEST_POSTGRESQL_URL',
        'postgresql+psycopg://postgres@127.0.0.1:5432/')),
}
BACKENDS = ('sqlite',) + tuple(SERVERS)
_CONNECT_ARGS = {'mysql': {'connect_timeout': 5},
                 'postgresql': {'connect_timeout': 5}}


def _admin_engine(backend):
    url = sa.engine.make_url(SERVERS[backend][1])
    if backend == 'postgresql':
        url = url.set(database='postgres')
    return sa.create_engine(url, isolation_level='AUTOCOMMIT',
                            poolclass=sa.pool.NullPool,
                            connect_args=_CONNECT_ARGS[backend])


def _unreachable(backend, error):
    label, url = SERVERS[backend]
    reason = ('%s server unreachable at %s (%s): its database tests did '
              'NOT run' % (label, url, str(error).splitlines()[0]))
    if os.environ.get('NOVA_TEST_REQUIRE_DB_SERVERS'):
        pytest.fail(reason)
    warnings.warn(reason)
    pytest.skip(reason)


class DatabaseFactory:
    def __init__(self, tmp_path):
        self._tmp_path = tmp_path
        self._created = []

    def __call__(self, backend):
        """URL of a new, empty database on ``backend``."""
        name = 'nova_test_' + uuid.uuid4().hex[:12]
        if backend == 'sqlite':
            return 'sqlite:///%s' % (self._tmp_path / (name + '.sqlite'))
        admin = _admin_engine(backend)
        charset = ' CHARACTER SET utf8mb4' if backend == 'mysql' else ''
        try:
            with admin.connect() as conn:
                conn.execute(sa.text('CREATE DATABASE %s%s' % (name,
                                                              charset)))
        except sa.exc.OperationalError as exc:
            _unreachable(backend, exc)
        url = sa.engine.make_url(SERVERS[backend][1]).set(database=name)
        if backend == 'mysql':
            url = url.update_query_dict({'charset': 'utf8mb4'})
        url = url.render_as_string(hide_password=False)
        self._created.append((backend, name, url))
        return url

    def drop_all(self):
        for backend, name, url in self._created:
            # nova.db.engines caches an engine per URL: close its pool
            # first (PostgreSQL refuses to drop a database in use).
            engines.get_engine(url).dispose()
            force = ' WITH (FORCE)' if backend == 'postgresql' else ''
            with _admin_engine(backend).connect() as conn:
                conn.execute(sa.text('DROP DATABASE IF EXISTS %s%s'
                                     % (name, force)))


@pytest.fixture
def make_database(tmp_path):
    """Factory: make_database('sqlite'|'mysql'|'postgresql') -> URL."""
    factory = DatabaseFactory(tmp_path)
    yield factory
    factory.drop_all()


@pytest.fixture(params=BACKENDS)
def cell_database(request, make_database):
    """URL of a new cell database with the current schema, on each
    backend in turn."""
    url = make_database(request.param)
    migration.create_schema(url, 'main')
    return url


@pytest.fixture
def cell_connection(cell_database):
    """A connection to cell_database, in a transaction."""
    with engines.get_engine(cell_database).begin() as conn:
        yield conn


class CellAt:
    """What target_cell needs of a cell mapping, for a bare database."""

    def __init__(self, url):
        self.database_connection = url
        self.uuid = str(uuid.uuid4())

