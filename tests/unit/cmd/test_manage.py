"""nova-manage, run in-process against SQLite files (and once for real)."""
import collections
import logging
import pathlib
import subprocess
import sys

import pytest
import sqlalchemy as sa

from nova.cmd import manage
from nova.compute import host_discovery
from nova import context as nova_context
from nova.db import engines
from nova.db.main import models
from nova.db import migration
from nova.objects import cell_mapping
from nova.objects import host_mapping

Result = collections.namedtuple('Result', 'code out err')
TRANSPORT = 'rabbit://guest:s3cret@mq.example.org:5672/'


@pytest.fixture(autouse=True)
def keep_logging():
    """nova-manage sets up oslo.log; undo it for the tests that follow."""
    root = logging.getLogger()
    handlers, level, hook = list(root.handlers), root.level, sys.excepthook
    levels = {name: lg.level for name, lg in
              logging.root.manager.loggerDict.items()
              if isinstance(lg, logging.Logger)}
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    sys.excepthook = hook
    for name, lg in logging.root.manager.loggerDict.items():
        if isinstance(lg, logging.Logger):
            lg.setLevel(levels.get(name, logging.NOTSET))


class Nova:
    """A nova.conf with SQLite databases in tmp_path, and nova-manage."""

    def __init__(self, tmp_path, capsys):
        self.tmp = tmp_path
        self.capsys = capsys
        self.api_url = 'sqlite:///%s' % (tmp_path / 'nova_api.sqlite')
        self.main_url = 'sqlite:///%s' % (tmp_path / 'nova.sqlite')
        self.cell0_url = 'sqlite:///%s' % (tmp_path / 'nova_cell0.sqlite')
        self.conf = tmp_path / 'nova.conf'
        self.write_conf(transport_url=TRANSPORT)

    def write_conf(self, **default):
        lines = ['[DEFAULT]'] + ['%s = %s' % kv for kv in default.items()]
        lines += ['[api_database]', 'connection = ' + self.api_url,
                  '[database]', 'connection = ' + self.main_url]
        self.conf.write_text('\n'.join(lines) + '\n')

    def __call__(self, *argv):
        self.capsys.readouterr()
        code = manage.main(['--config-file', str(self.conf)] + list(argv))
        out, err = self.capsys.readouterr()
        assert 'Traceback' not in err
        return Result(code, out, err)

    def ok(self, *argv):
        result = self(*argv)
        assert result.code == 0, result
        return result.out

    def cells(self):
        ctxt = nova_context.get_admin_context()
        return {c.name: c for c in
                cell_mapping.CellMappingList.get_all(ctxt)}

    def hosts(self):
        ctxt = nova_context.get_admin_context()
        return {m.host: m.cell_mapping.name for m in
                host_mapping.HostMappingList.get_all(ctxt)}


@pytest.fixture
def nova(tmp_path, capsys):
    return Nova(tmp_path, capsys)


@pytest.fixture
def cells(nova):
    """API database synced, cell0 and cell1 mapped and synced."""
    nova.ok('api_db', 'sync')
    nova.ok('cell_v2', 'simple_cell_setup')
    return nova


def add_compute_node(url, host, node=None, deleted=0, mapped=0):
    table = models.ComputeNode.__table__
    with engines.get_engine(url).begin() as conn:
        conn.execute(table.insert().values(
            host=host, hypervisor_hostname=node or host, vcpus=1,
            memory_mb=512,
            local_gb=1, hypervisor_type='fake', hypervisor_version=1,
            cpu_info='{}', deleted=deleted, mapped=mapped))


def mapped_flags(url):
    table = models.ComputeNode.__table__
    with engines.get_engine(url).connect() as conn:
        return dict(conn.execute(sa.select(table.c.hypervisor_hostname,
                                           table.c.mapped)).all())


# api_db and db ---------------------------------------------------------

def test_api_db_sync_and_version(nova):
    assert nova.ok('api_db', 'version') == 'None\n'
    assert nova.ok('api_db', 'sync') == ''
    assert nova.ok('api_db', 'version').split() == list(
        migration.head_revisions('api'))
    nova.ok('api_db', 'sync')


def test_db_sync_without_cell0_syncs_the_local_cell(nova):
    nova.ok('api_db', 'sync')
    assert 'cell0 mapping not found' in nova.ok('db', 'sync')
    assert nova.ok('db', 'version').split() == list(
        migration.head_revisions('main'))


def test_db_sync_also_syncs_cell0(nova):
    nova.ok('api_db', 'sync')
    nova.ok('cell_v2', 'map_cell0')
    nova.ok('db', 'sync')
    assert migration.db_version(nova.cell0_url, 'main') == \
        migration.head_revisions('main')


def test_db_sync_local_cell_leaves_cell0_alone(nova):
    nova.ok('api_db', 'sync')
    nova.ok('cell_v2', 'map_cell0')
    nova.ok('db', 'sync', '--local_cell')
    assert migration.db_version(nova.cell0_url, 'main') == ()


def test_db_sync_fails_when_cell0_cannot_be_read(nova):
    # The API database has no schema yet: the cell mappings are unreadable.
    result = nova('db', 'sync')
    assert result.code == 1
    assert 'Could not access cell0' in result.err


def test_db_sync_to_one_phase_then_unknown_version(nova):
    nova.ok('db', 'sync', '--local_cell', 'expand')
    expand, _contract = migration.head_revisions('main')
    assert nova.ok('db', 'version').split() == [expand]
    result = nova('db', 'sync', '--local_cell', 'nope')
    assert result.code == 1 and "'nope'" in result.err


def test_missing_api_database_connection(nova):
    nova.api_url = ''
    nova.write_conf()
    result = nova('api_db', 'sync')
    assert result.code == 1
    assert '[api_database]/connection' in result.err


def test_usage_errors_exit_2(nova):
    assert nova('db').code == 2
    assert nova('cell_v2', 'nope').code == 2


# cell_v2 map_cell0 / create_cell / simple_cell_setup -------------------

@pytest.mark.parametrize('url, expected', [
    ('sqlite:////var/lib/nova/nova.sqlite',
     'sqlite:////var/lib/nova/nova_cell0.sqlite'),
    ('sqlite:///nova.db', 'sqlite:///nova_cell0.db'),
    ('mysql+pymysql://nova:p%40ss@db/nova?charset=utf8',
     'mysql+pymysql://nova:p%40ss@db/nova_cell0?charset=utf8'),
    ('postgresql+psycopg://nova@db:5432/nova',
     'postgresql+psycopg://nova@db:5432/nova_cell0'),
])
def test_cell0_url(url, expected):
    assert manage.cell0_url(url) == expected


def test_cell0_url_of_memory_sqlite_is_refused():
    with pytest.raises(manage.CommandError):
        manage.cell0_url('sqlite://')


def test_map_cell0_derives_its_database_and_is_idempotent(nova):
    nova.ok('api_db', 'sync')
    assert nova.ok('cell_v2', 'map_cell0') == ''
    cell0 = nova.cells()['cell0']
    assert cell0.uuid == manage.CELL0_UUID
    assert cell0.database_connection == nova.cell0_url
    assert cell0.transport_url == 'none:///'
    assert 'already setup' in nova.ok('cell_v2', 'map_cell0')


def test_map_cell0_with_explicit_database(nova):
    nova.ok('api_db', 'sync')
    url = 'sqlite:///%s' % (nova.tmp / 'elsewhere.sqlite')
    nova.ok('cell_v2', 'map_cell0', '--database_connection', url)
    assert nova.cells()['cell0'].database_connection == url


def test_create_cell(nova):
    nova.ok('api_db', 'sync')
    uuid = nova.ok('cell_v2', 'create_cell', '--name', 'one', '--verbose',
                   '--disabled').strip()
    cell = nova.cells()['one']
    assert (cell.uuid, cell.transport_url, cell.database_connection,
            cell.disabled) == (uuid, TRANSPORT, nova.main_url, True)
    duplicate = nova('cell_v2', 'create_cell', '--name', 'two')
    assert duplicate.code == 2 and uuid in duplicate.err
    other_db = 'sqlite:///%s' % (nova.tmp / 'two.sqlite')
    assert nova.ok('cell_v2', 'create_cell', '--name', 'two',
                   '--database_connection', other_db) == ''


def test_create_cell_needs_a_valid_transport_url(nova):
    nova.ok('api_db', 'sync')
    nova.write_conf(transport_url='')  # oslo.messaging's default: rabbit://
    missing = nova('cell_v2', 'create_cell')
    assert missing.code == 1 and '--transport-url' in missing.err
    invalid = nova('cell_v2', 'create_cell', '--transport-url',
                   'rabbit://guest@mq:port/')
    assert invalid.code == 1 and 'Invalid transport URL' in invalid.err
    assert nova.cells() == {}


def test_simple_cell_setup_is_idempotent(nova):
    nova.ok('api_db', 'sync')
    nova.ok('cell_v2', 'simple_cell_setup')
    first = {name: c.uuid for name, c in nova.cells().items()}
    assert set(first) == {'cell0', 'cell1'}
    for url in (nova.main_url, nova.cell0_url):
        assert migration.db_version(url, 'main') == \
            migration.head_revisions('main')
    add_compute_node(nova.main_url, 'compute1')
    assert '1 new host(s) mapped' in nova.ok('cell_v2', 'simple_cell_setup')
    assert {n: c.uuid for n, c in nova.cells().items()} == first
    assert nova.hosts() == {'compute1': 'cell1'}


def test_list_cells_masks_passwords_unless_verbose(cells):
    out = cells.ok('cell_v2', 'list_cells')
    assert 'Database Connection' in out and 'cell0' in out
    assert 's3cret' not in out and 'guest:****@mq.example.org' in out
    assert 's3cret' in cells.ok('cell_v2', 'list_cells', '--verbose')


def test_mask_password_of_every_host():
    url = 'rabbit://a:x@h1:5672,b:y@h2:5672/vhost'
    assert manage.mask_password(url) == \
        'rabbit://a:****@h1:5672,b:****@h2:5672/vhost'
    assert manage.mask_password('none:///') == 'none:///'


# cell_v2 discover_hosts / list_hosts -----------------------------------

def test_discover_hosts_maps_each_new_host_once(cells):
    for host, node in (('c1', 'n1'), ('c1', 'n2'), ('c2', 'c2')):
        add_compute_node(cells.main_url, host, node)
    add_compute_node(cells.main_url, 'gone', deleted=1)
    out = cells.ok('cell_v2', 'discover_hosts', '--verbose')
    assert "Creating host mapping for host 'c1'" in out
    assert 'Skipping cell0' in out
    assert cells.hosts() == {'c1': 'cell1', 'c2': 'cell1'}
    assert mapped_flags(cells.main_url) == {'n1': 1, 'n2': 1, 'c2': 1,
                                            'gone': 0}
    assert cells('cell_v2', 'discover_hosts', '--strict').code == 1
    add_compute_node(cells.main_url, 'c3')
    assert cells('cell_v2', 'discover_hosts', '--strict').code == 0

    table = cells.ok('cell_v2', 'list_hosts')
    assert table.splitlines()[1].split() == [
        '|', 'Cell', 'Name', '|', 'Cell', 'UUID', '|', 'Hostname', '|']
    assert [line.split()[-2] for line in table.splitlines()[3:-1]] == \
        ['c1', 'c2', 'c3']


def test_discover_hosts_by_service(cells):
    table = models.Service.__table__
    with engines.get_engine(cells.main_url).begin() as conn:
        conn.execute(table.insert(), [
            {'host': 'bm1', 'binary': 'nova-compute', 'topic': 'compute'},
            {'host': 'ctl', 'binary': 'nova-conductor', 'topic': 'x'}])
    cells.ok('cell_v2', 'discover_hosts', '--by-service')
    assert cells.hosts() == {'bm1': 'cell1'}


def test_discover_and_list_hosts_of_an_unknown_cell(cells):
    for action in ('discover_hosts', 'list_hosts'):
        result = cells('cell_v2', action, '--cell_uuid', 'no-such-cell')
        assert result.code == 1 and 'no-such-cell' in result.err


def test_a_host_name_in_two_cells_stays_with_the_first(cells):
    cell2_url = 'sqlite:///%s' % (cells.tmp / 'cell2.sqlite')
    migration.db_sync(cell2_url, 'main')
    cells.ok('cell_v2', 'create_cell', '--name', 'cell2',
             '--database_connection', cell2_url)
    add_compute_node(cells.main_url, 'twin')
    add_compute_node(cell2_url, 'twin')
    messages = []
    created = host_discovery.discover_hosts(
        nova_context.get_admin_context(), status_fn=messages.append)
    assert [m.host for m in created] == ['twin']
    assert cells.hosts() == {'twin': 'cell1'}
    assert any('already mapped' in m for m in messages)
    # Left unmapped in cell2, so the conflict is reported again.
    assert mapped_flags(cell2_url) == {'twin': 0}


def test_console_script_runs(nova):
    script = pathlib.Path(sys.executable).with_name('nova-manage')
    if not script.exists():
        pytest.skip('nova-manage console script not installed next to %s; '
                    'run pip install -e .' % sys.executable)

    def run(*argv):
        return subprocess.run(
            [str(script), '--config-file', str(nova.conf)] + list(argv),
            capture_output=True, text=True, timeout=120)

    # Each run pays ~1.5 s of library imports: keep to one success and
    # one failure.
    assert run('api_db', 'sync').returncode == 0
    assert migration.db_version(nova.api_url, 'api') == \
        migration.head_revisions('api')
    failure = run('cell_v2', 'list_hosts', '--cell_uuid', 'nope')
    assert failure.returncode == 1
    assert 'nope' in failure.stderr and 'Traceback' not in failure.stderr


def test_no_database_configured_says_what_to_set(tmp_path, capsys,
                                                 monkeypatch):
    monkeypatch.chdir(tmp_path)  # no nova.conf found by default
    empty = tmp_path / 'empty.conf'
    empty.write_text('')
    code = manage.main(['--config-file', str(empty), 'placement', 'audit'])
    err = capsys.readouterr().err
    assert code == 1
    assert '[api_database] connection' in err
    assert 'Traceback' not in err and 'An error has occurred' not in err
