"""nova-manage: database schemas and cells v2 mappings.

    nova-manage [--config-file FILE] CATEGORY ACTION [ARGUMENTS]

An action is a function of the parsed ConfigOpts and its own arguments
returning the exit code doc/operator/manage.rst documents; a failure is a
message on stderr and a non-zero code, never a traceback (unless --debug).
"""
import pathlib
import re
import sys
import traceback

from alembic import util as alembic_util
from oslo_config import cfg
from oslo_db import exception as db_exc
from oslo_log import log as logging
import oslo_messaging as messaging
import sqlalchemy as sa

from nova.compute import host_discovery
from nova import conf as nova_conf
from nova import context as nova_context
from nova.db import engines
from nova.db import migration
from nova import exception
from nova.objects import cell_mapping
from nova.objects import host_mapping

CELL0_UUID = cell_mapping.CELL0_UUID
UNEXPECTED_ERROR = 255


class CommandError(Exception):
    """A failure the operator can act on: message to stderr, exit code."""

    def __init__(self, message, code=1):
        super().__init__(message)
        self.code = code


# Helpers ---------------------------------------------------------------

def _print_table(headers, rows):
    rows = [[str(value) for value in row] for row in rows]
    widths = [max(len(str(x)) for x in column)
              for column in zip(headers, *rows)]
    rule = '+' + '+'.join('-' * (w + 2) for w in widths) + '+'
    print(rule)
    for row in [headers, None] + rows + [None]:
        if row is None:
            print(rule)
        else:
            print('| ' + ' | '.join(str(value).ljust(w) for value, w in
                                    zip(row, widths)) + ' |')


def mask_password(url):
    """Hide every ``user:password@`` password of a (multi-host) URL."""
    return re.sub(r'(://|,)([^:@/,]*):([^@/]*)@', r'\1\2:****@', url or '')


def cell0_url(url):
    """The cell0 database URL derived from the [database] one.

    The database name gains ``_cell0``; an SQLite file keeps its suffix
    (``nova.sqlite`` -> ``nova_cell0.sqlite``).
    """
    parsed = sa.engine.make_url(url)
    if not parsed.database or parsed.database == ':memory:':
        raise CommandError('Cannot derive a cell0 database from %s: give '
                           '--database_connection.' % mask_password(url))
    if parsed.get_backend_name() == 'sqlite':
        path = pathlib.PurePath(parsed.database)
        name = str(path.with_name(path.stem + '_cell0' + path.suffix))
    else:
        name = parsed.database + '_cell0'
    return parsed.set(database=name).render_as_string(hide_password=False)


def _transport_url(conf, transport_url):
    url = transport_url or conf.transport_url
    if not url:
        raise CommandError('Must specify --transport-url if '
                           '[DEFAULT]/transport_url is not set in the '
                           'configuration file.')
    try:
        messaging.TransportURL.parse(conf, url)
    except (messaging.InvalidTransportURL, ValueError) as exc:
        raise CommandError('Invalid transport URL: %s' % exc)
    return url


def _database_url(conf, database_connection=None):
    url = database_connection or conf.database.connection
    if not url:
        raise CommandError('Must specify --database_connection if '
                           '[database]/connection is not set in the '
                           'configuration file.')
    return url


def _api_url(conf):
    if not conf.api_database.connection:
        raise CommandError('[api_database]/connection is not set in the '
                           'configuration file.')
    return conf.api_database.connection


def _get_cell(ctxt, uuid):
    try:
        return cell_mapping.CellMapping.get_by_uuid(ctxt, uuid)
    except exception.CellMappingNotFound:
        raise CommandError('Cell with uuid %s was not found.' % uuid)


# api_db and db ---------------------------------------------------------

def api_db_sync(conf, version=None):
    migration.db_sync(_api_url(conf), 'api', version)
    return 0


def api_db_version(conf):
    # One line per branch head, expand's first; 'None' before any sync.
    print('\n'.join(migration.db_version(_api_url(conf), 'api')) or 'None')
    return 0


def db_sync(conf, version=None, local_cell=False):
    url = _database_url(conf)
    if not local_cell:
        _sync_cell0(version)
    migration.db_sync(url, 'main', version)
    return 0


def _sync_cell0(version):
    ctxt = nova_context.get_admin_context()
    try:
        cell0 = cell_mapping.CellMapping.get_by_uuid(ctxt, CELL0_UUID)
        migration.db_sync(cell0.database_connection, 'main', version)
    except exception.CellMappingNotFound:
        print('WARNING: cell0 mapping not found - not syncing cell0.')
    except (db_exc.DBError, sa.exc.SQLAlchemyError, ValueError) as exc:
        raise CommandError(
            'ERROR: Could not access cell0: %s\nCheck that the API and '
            'cell0 databases exist, that "nova-manage api_db sync" and '
            '"nova-manage cell_v2 map_cell0" have been run, and that '
            '[api_database]/connection is set; or use --local_cell.' % exc)


def db_version(conf):
    url = _database_url(conf)
    print('\n'.join(migration.db_version(url, 'main')) or 'None')
    return 0


# cell_v2 ---------------------------------------------------------------

def _ensure_cell0(conf, ctxt, database_connection=None):
    """Return (cell0 mapping, created?)."""
    try:
        return cell_mapping.CellMapping.get_by_uuid(ctxt, CELL0_UUID), False
    except exception.CellMappingNotFound:
        pass
    url = database_connection or cell0_url(_database_url(conf))
    cell0 = cell_mapping.CellMapping(
        ctxt, uuid=CELL0_UUID, name='cell0', transport_url='none:///',
        database_connection=url, disabled=False)
    cell0.create()
    return cell0, True


def map_cell0(conf, database_connection=None):
    ctxt = nova_context.get_admin_context()
    _cell0, created = _ensure_cell0(conf, ctxt, database_connection)
    if not created:
        print('Cell0 is already setup')
    return 0


def create_cell(conf, name=None, transport_url=None,
                database_connection=None, verbose=False, disabled=False):
    transport_url = _transport_url(conf, transport_url)
    database_connection = _database_url(conf, database_connection)
    ctxt = nova_context.get_admin_context()
    existing = next((c for c in cell_mapping.CellMappingList.get_all(ctxt)
                     if c.transport_url == transport_url
                     and c.database_connection == database_connection), None)
    if existing is not None:
        raise CommandError(
            'The specified transport_url and/or database_connection '
            'combination already exists for another cell with uuid %s.'
            % existing.uuid, code=2)
    cell = cell_mapping.CellMapping(
        ctxt, name=name, transport_url=transport_url,
        database_connection=database_connection, disabled=disabled)
    cell.create()
    if verbose:
        print(cell.uuid)
    return 0


def simple_cell_setup(conf, transport_url=None):
    transport_url = _transport_url(conf, transport_url)
    database_connection = _database_url(conf)
    ctxt = nova_context.get_admin_context()
    cell0, _created = _ensure_cell0(conf, ctxt)
    # Re-running must not make a second cell on the same database.
    cell1 = next((c for c in cell_mapping.CellMappingList.get_all(ctxt)
                  if not c.is_cell0
                  and c.database_connection == database_connection), None)
    if cell1 is None:
        cell1 = cell_mapping.CellMapping(
            ctxt, name='cell1', transport_url=transport_url,
            database_connection=database_connection, disabled=False)
        cell1.create()
    for cell in (cell0, cell1):
        migration.db_sync(cell.database_connection, 'main')
    mapped = host_discovery.discover_hosts(ctxt, cell_uuid=cell1.uuid)
    print('cell0 %s and %s %s are set up; %d new host(s) mapped.'
          % (cell0.uuid, cell1.name, cell1.uuid, len(mapped)))
    return 0


def list_cells(conf, verbose=False):
    ctxt = nova_context.get_admin_context()
    cells = sorted(cell_mapping.CellMappingList.get_all(ctxt),
                   key=lambda c: (c.name or '', c.uuid))
    show = (lambda url: url) if verbose else mask_password
    _print_table(
        ['Name', 'UUID', 'Transport URL', 'Database Connection',
         'Disabled'],
        [[c.name, c.uuid, show(c.transport_url),
          show(c.database_connection), c.disabled] for c in cells])
    return 0


def discover_hosts(conf, cell_uuid=None, verbose=False, strict=False,
                   by_service=False):
    ctxt = nova_context.get_admin_context()
    if cell_uuid:
        _get_cell(ctxt, cell_uuid)
    mapped = host_discovery.discover_hosts(
        ctxt, cell_uuid=cell_uuid, by_service=by_service,
        status_fn=print if verbose else (lambda message: None))
    return 1 if strict and not mapped else 0


def list_hosts(conf, cell_uuid=None):
    ctxt = nova_context.get_admin_context()
    if cell_uuid:
        _get_cell(ctxt, cell_uuid)
    mappings = host_mapping.HostMappingList.get_all(ctxt, cell_uuid)
    rows = sorted([m.cell_mapping.name or '', m.cell_mapping.uuid, m.host]
                  for m in mappings)
    _print_table(['Cell Name', 'Cell UUID', 'Hostname'], rows)
    return 0


# Command line ----------------------------------------------------------

def _opt(*flags, **kwargs):
    return flags, kwargs


_VERSION = _opt('version', nargs='?', metavar='VERSION',
                help="Revision, 'expand' or 'contract' (default: all "
                     "branch heads).")
_CELL_UUID = _opt('--cell_uuid', help='Only this cell.')
_VERBOSE = _opt('--verbose', action='store_true', help='Say more.')
_DB_URL = _opt('--database_connection',
               help='Database URL (default: [database]/connection).')
_MQ_URL = _opt('--transport-url', dest='transport_url',
               help='Message queue URL (default: [DEFAULT]/transport_url).')

COMMANDS = {
    'api_db': {
        'sync': (api_db_sync, 'Upgrade the API database schema.',
                 [_VERSION]),
        'version': (api_db_version, 'Print the API database revisions.', []),
    },
    'db': {
        'sync': (db_sync, 'Upgrade the cell database (and cell0) schema.',
                 [_VERSION, _opt('--local_cell', action='store_true',
                                 help='Do not also sync cell0.')]),
        'version': (db_version, 'Print the cell database revisions.', []),
    },
    'cell_v2': {
        'map_cell0': (map_cell0, 'Map the cell0 database.', [_DB_URL]),
        'create_cell': (create_cell, 'Map a new cell.', [
            _opt('--name', help='Name of the cell.'), _MQ_URL, _DB_URL,
            _opt('--verbose', action='store_true',
                 help='Print the uuid of the new cell.'),
            _opt('--disabled', action='store_true',
                 help='Create the cell disabled: nothing is scheduled '
                      'to it.')]),
        'simple_cell_setup': (simple_cell_setup,
                              'Map cell0 and cell1, sync them, map hosts.',
                              [_MQ_URL]),
        'list_cells': (list_cells, 'List cell mappings.', [
            _opt('--verbose', action='store_true',
                 help='Show URLs with their passwords.')]),
        'discover_hosts': (discover_hosts, 'Map unmapped compute hosts.', [
            _CELL_UUID, _VERBOSE,
            _opt('--strict', action='store_true',
                 help='Exit 1 if no new host was mapped.'),
            _opt('--by-service', dest='by_service', action='store_true',
                 help='Find hosts from nova-compute services instead of '
                      'compute nodes.')]),
        'list_hosts': (list_hosts, 'List host mappings.', [_CELL_UUID]),
    },
}


# nova-manage placement (heal_allocations, audit, sync_aggregates).
from nova.cmd import manage_placement  # noqa: E402
COMMANDS['placement'] = manage_placement.COMMANDS


def _dest(flags, kwargs):
    return kwargs.get('dest') or flags[0].lstrip('-').replace('-', '_')


def _add_parsers(subparsers):
    subparsers.required = True
    for category, actions in COMMANDS.items():
        parser = subparsers.add_parser(category)
        action_parsers = parser.add_subparsers(dest='action',
                                               metavar='ACTION')
        action_parsers.required = True
        for name, (fn, summary, opts) in actions.items():
            action = action_parsers.add_parser(name, help=summary,
                                               description=summary)
            dests = []
            for flags, kwargs in opts:
                dest = _dest(flags, kwargs)
                dests.append(dest)
                kwargs = dict(kwargs)
                if flags[0].startswith('-'):
                    kwargs['dest'] = 'action_arg_' + dest
                    if kwargs.get('action') != 'store_true':
                        kwargs.setdefault('metavar', dest.upper())
                    action.add_argument(*flags, **kwargs)
                else:  # a positional's dest is its name
                    kwargs.pop('dest', None)
                    action.add_argument('action_arg_' + dest, **kwargs)
            action.set_defaults(action_fn=fn, action_args=dests)


def _parse(argv):
    conf = cfg.ConfigOpts()
    logging.register_options(conf)
    nova_conf.register_opts(conf)
    conf.register_cli_opt(cfg.SubCommandOpt(
        'category', title='Categories', handler=_add_parsers))
    # nova.conf.build_conf cannot register a CLI opt before parsing, hence
    # the same steps here; default_config_files=None finds /etc/nova/...
    conf(args=argv, project='nova', default_config_files=None)
    return conf


def _setup_logging(conf):
    if not conf.debug:
        # Commands print their own results; INFO logs would be noise.
        conf.set_default('default_log_levels',
                         logging.get_default_log_levels()
                         + ['nova=WARN', 'alembic=WARN'])
    logging.setup(conf, 'nova')


def main(argv=None):
    """Run one command; return its exit code (the console script's)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        conf = _parse(argv)
    except SystemExit as exc:  # --help, or a usage error argparse printed
        return exc.code if isinstance(exc.code, int) else 2
    except cfg.Error as exc:
        print('ERROR: %s' % exc, file=sys.stderr)
        return 1
    _setup_logging(conf)
    engines.configure(conf)
    args = {dest: getattr(conf.category, 'action_arg_' + dest)
            for dest in conf.category.action_args}
    try:
        return conf.category.action_fn(conf, **args)
    except CommandError as exc:
        print(str(exc), file=sys.stderr)
        return exc.code
    except engines.NotConfigured:
        print('ERROR: no database connection configured: give the '
              'nova.conf that sets [api_database] connection and [database] '
              'connection with --config-file (nova-all\'s embedded '
              'databases are sqlite files under its state_path, e.g. '
              'sqlite:///<state_path>/nova_api.sqlite)', file=sys.stderr)
        return 1
    except (db_exc.DBError, sa.exc.SQLAlchemyError) as exc:
        # The first line names the problem; the rest is the SQL sent.
        print('ERROR: database error: %s' % str(exc).splitlines()[0],
              file=sys.stderr)
        return 1
    except alembic_util.CommandError as exc:  # e.g. an unknown VERSION
        print('ERROR: %s' % exc, file=sys.stderr)
        return 1
    except Exception as exc:
        if conf.debug:
            traceback.print_exc()
        print('An error has occurred: %s: %s' % (type(exc).__name__, exc),
              file=sys.stderr)
        return UNEXPECTED_ERROR


if __name__ == '__main__':
    sys.exit(main())
