"""The alembic trees build exactly the models' schema, on every backend."""
import ast
import configparser
import glob
import pathlib

from alembic.autogenerate import compare_metadata
from alembic import migration as alembic_migration
import pytest
import sqlalchemy as sa

from nova.db import engines
from nova.db import migration
from tests.unit.db.conftest import BACKENDS

REPO = pathlib.Path(__file__).resolve().parents[3]
DROPS = {'drop_table', 'drop_column', 'drop_constraint', 'drop_index'}
ADDS = {'create_table', 'add_column', 'create_index',
        'create_unique_constraint', 'create_foreign_key'}


def schema_diff(url, metadata):
    with engines.get_engine(url).connect() as conn:
        context = alembic_migration.MigrationContext.configure(
            conn, opts={'compare_type': True,
                        'compare_server_default': True})
        return compare_metadata(context, metadata)


@pytest.mark.parametrize('database', migration.DATABASES)
@pytest.mark.parametrize('backend', BACKENDS)
def test_db_sync_builds_the_models_schema(make_database, backend, database):
    url = make_database(backend)
    migration.db_sync(url, database)
    assert schema_diff(url, migration.models_metadata(database)) == []
    assert migration.db_version(url, database) == \
        migration.head_revisions(database)


def test_schema_check_notices_a_difference(make_database):
    # Guard against a comparison that always passes.
    url = make_database('sqlite')
    migration.db_sync(url, 'api')
    metadata = sa.MetaData()
    for table in migration.models_metadata('api').sorted_tables:
        table.to_metadata(metadata)
    sa.Index('extra_idx', metadata.tables['flavors'].c.vcpus)
    metadata.tables['cell_mappings'].append_column(
        sa.Column('extra', sa.Integer))
    kinds = {diff[0] for diff in schema_diff(url, metadata)}
    assert kinds == {'add_index', 'add_column'}


@pytest.mark.parametrize('database', migration.DATABASES)
def test_db_sync_is_idempotent(make_database, database):
    url = make_database('sqlite')
    assert migration.db_version(url, database) == ()
    migration.db_sync(url, database)
    migration.db_sync(url, database)
    assert migration.db_version(url, database) == \
        migration.head_revisions(database)


@pytest.mark.parametrize('database', migration.DATABASES)
def test_db_sync_one_phase_at_a_time(make_database, database):
    url = make_database('sqlite')
    expand, contract = migration.head_revisions(database)
    migration.db_sync(url, database, 'expand')
    assert migration.db_version(url, database) == (expand,)
    migration.db_sync(url, database, 'contract')
    assert migration.db_version(url, database) == (expand, contract)


def test_db_sync_rejects_unknown_database():
    with pytest.raises(ValueError):
        migration.db_sync('sqlite://', 'nope')


@pytest.mark.parametrize('database', migration.DATABASES)
def test_create_schema_is_db_sync_fast(make_database, database):
    url = make_database('sqlite')
    migration.create_schema(url, database)
    assert migration.db_version(url, database) == \
        migration.head_revisions(database)
    assert schema_diff(url, migration.models_metadata(database)) == []
    migration.create_schema(url, database)  # again: nothing to do
    migration.db_sync(url, database)


def test_create_schema_upgrades_a_versioned_database(make_database):
    # create_all must not paper over a database an older release made.
    url = make_database('sqlite')
    migration.db_sync(url, 'main', 'expand')
    migration.create_schema(url, 'main')
    assert migration.db_version(url, 'main') == \
        migration.head_revisions('main')


# Layout of the trees ---------------------------------------------------

def _scripts(database):
    return list(migration.script_directory(database).walk_revisions())


@pytest.mark.parametrize('database', migration.DATABASES)
def test_tree_has_one_root_and_an_expand_and_contract_head(database):
    script = migration.script_directory(database)
    assert len(script.get_bases()) == 1
    heads = {script.get_revision(h).revision: h for h in script.get_heads()}
    assert len(heads) == 2
    for branch in migration.BRANCHES:
        assert script.get_revision(branch + '@head').revision in heads


@pytest.mark.parametrize('database', migration.DATABASES)
def test_each_revision_lives_in_its_branch_directory(database):
    base = migration.script_directory(database).get_bases()[0]
    for rev in _scripts(database):
        where = pathlib.Path(rev.path).parent.name
        if rev.revision == base:
            assert where == 'versions'
            continue
        labels = set(rev.branch_labels) & set(migration.BRANCHES)
        assert labels == {where}, (rev.path, rev.branch_labels)


def _op_calls(path):
    tree = ast.parse(pathlib.Path(path).read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func,
                                                     ast.Attribute):
            yield node.func.attr


@pytest.mark.parametrize('database', migration.DATABASES)
def test_expand_only_adds_and_contract_only_removes(database):
    for rev in _scripts(database):
        calls = set(_op_calls(rev.path))
        if 'expand' in rev.branch_labels:
            assert not calls & DROPS, '%s removes in expand' % rev.path
        elif 'contract' in rev.branch_labels:
            assert not calls & ADDS, '%s adds in contract' % rev.path


def test_setup_cfg_ships_every_migration_file():
    # An installed nova finds its trees as data files: a file the globs
    # miss would be absent from the wheel.
    parser = configparser.ConfigParser()
    parser.read(REPO / 'setup.cfg')
    shipped = set()
    for target, sources in parser['options.data_files'].items():
        for pattern in sources.replace(',', '\n').split():
            for path in glob.glob(str(REPO / pattern)):
                rel = pathlib.Path(path).relative_to(REPO / 'migrations')
                assert pathlib.PurePath(target) == pathlib.PurePath(
                    'share/nova/migrations', rel.parent), path
                shipped.add(rel)
    tree = REPO / 'migrations'
    files = {p.relative_to(tree) for p in tree.rglob('*')
             if p.is_file() and '__pycache__' not in p.parts}
    assert files - shipped == set()


def test_migrations_dir_holds_both_trees():
    root = migration.migrations_dir()
    for database in migration.DATABASES:
        assert (root / database / 'env.py').is_file()
