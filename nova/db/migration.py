"""Schema migrations of the API and cell databases, run through alembic.

Each database has its own alembic tree under the top-level ``migrations/``
directory, with two branches: ``expand`` (additive changes, safe while old
code runs) and ``contract`` (removals, once no service runs old code).
See doc/architecture/migrations.rst.
"""
import functools
import importlib.metadata
import os
import pathlib
import sys

from alembic import command
from alembic import config as alembic_config
from alembic import migration as alembic_migration
from alembic import script as alembic_script
from alembic import util as alembic_util
import sqlalchemy as sa

from nova.db import engines

DATABASES = ('api', 'main')
BRANCHES = ('expand', 'contract')
_DATA_DIR = ('share', 'nova', 'migrations')


def _is_tree(path):
    return all((path / db / 'env.py').is_file() for db in DATABASES)


@functools.cache
def migrations_dir():
    """Directory holding the ``api`` and ``main`` trees.

    A source checkout (or editable install) has them beside the package;
    an installed nova has them as data files (setup.cfg), found through
    the distribution's file list (RECORD) wherever the prefix is.
    """
    checkout = pathlib.Path(__file__).resolve().parents[2] / 'migrations'
    if _is_tree(checkout):
        return checkout
    candidates = []
    try:
        dist = importlib.metadata.distribution('nova')
        for path in dist.files or ():
            if path.parts[-5:-2] == _DATA_DIR and path.name == 'env.py':
                candidates.append(
                    pathlib.Path(dist.locate_file(path)).resolve().parents[1])
    except importlib.metadata.PackageNotFoundError:
        pass
    candidates.append(pathlib.Path(sys.prefix).joinpath(*_DATA_DIR))
    for candidate in candidates:
        if _is_tree(candidate):
            return candidate
    raise RuntimeError('cannot find the migrations/ trees of nova')


def _check(database):
    if database not in DATABASES:
        raise ValueError('database must be one of %s, not %r'
                         % (DATABASES, database))


def _config(database):
    _check(database)
    tree = migrations_dir() / database
    versions = tree / 'versions'
    config = alembic_config.Config()
    # Config values go through ConfigParser interpolation: escape '%'.
    config.set_main_option('script_location', str(tree).replace('%', '%%'))
    config.set_main_option('path_separator', 'os')
    config.set_main_option('version_locations', os.pathsep.join(
        str(p).replace('%', '%%') for p in (
            versions, versions / 'expand', versions / 'contract')))
    return config


@functools.cache
def script_directory(database):
    # Parsing the revision files is most of alembic's start-up cost; they
    # do not change while a process runs.
    return alembic_script.ScriptDirectory.from_config(_config(database))


def _target(version):
    """``expand``/``contract`` run one phase; None runs both to the end."""
    if version is None:
        return 'heads'
    if version in BRANCHES:
        return version + '@head'
    return version


def db_sync(url, database, version=None):
    """Upgrade ``database`` ('api' or 'main') at ``url``.

    :param version: None for every branch head, 'expand' or 'contract'
        for the head of one phase, or a revision id (or alembic target
        such as ``expand@+1``).
    Running it again on an up-to-date database does nothing.
    """
    config = _config(database)
    with engines.get_engine(url).begin() as connection:
        config.attributes['connection'] = connection
        command.upgrade(config, _target(version))


def db_version(url, database):
    """Current revisions of the database, expand's head first; () if none."""
    script = script_directory(database)
    with engines.get_engine(url).connect() as connection:
        heads = alembic_migration.MigrationContext.configure(
            connection).get_current_heads()

    def branch_order(revision):
        try:
            labels = script.get_revision(revision).branch_labels
        except alembic_util.CommandError:  # written by newer code
            labels = ()
        return [BRANCHES.index(b) for b in BRANCHES if b in labels] or [9]
    return tuple(sorted(heads, key=branch_order))


def head_revisions(database):
    """Every head revision of the tree, expand's first."""
    script = script_directory(database)
    return tuple(script.get_revision(b + '@head').revision
                 for b in BRANCHES)


def models_metadata(database):
    _check(database)
    if database == 'api':
        from nova.db.api import models
    else:
        from nova.db.main import models
    return models.BASE.metadata


def create_schema(url, database):
    """Create an up-to-date schema quickly, for tests and fresh installs.

    An empty database gets ``metadata.create_all`` of the models and is
    stamped at the heads (what :func:`db_sync` would reach, as the schema
    test proves); a database that already has a revision is upgraded with
    :func:`db_sync` instead, so this never hides a pending migration.
    """
    script = script_directory(database)
    with engines.get_engine(url).begin() as connection:
        context = alembic_migration.MigrationContext.configure(connection)
        versioned = bool(context.get_current_heads())
        if not versioned:
            models_metadata(database).create_all(connection)
            context.stamp(script, 'heads')
    if versioned:
        db_sync(url, database)


def run_env(context, metadata):
    """Body of each tree's env.py.

    nova passes its connection in ``config.attributes['connection']``; the
    alembic command line (developers) passes a URL with ``-x url=...`` or
    ``sqlalchemy.url``, or asks for SQL with ``--sql``.
    """
    config = context.config
    connection = config.attributes.get('connection')
    url = (context.get_x_argument(as_dictionary=True).get('url')
           or config.get_main_option('sqlalchemy.url'))
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=metadata,
                          literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
    elif connection is not None:
        _run_online(context, connection, metadata)
    else:
        engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
        with engine.begin() as connection:
            _run_online(context, connection, metadata)
        engine.dispose()


def _run_online(context, connection, metadata):
    context.configure(
        connection=connection, target_metadata=metadata, compare_type=True,
        # SQLite cannot ALTER most things: autogenerate batch operations.
        render_as_batch=connection.dialect.name == 'sqlite')
    with context.begin_transaction():
        context.run_migrations()
