"""db.main.instances.get_all with columns: a list reads only what it shows,
and reads it as the whole-row read does, on every backend (DATETIMEs
arrive as text and are parsed here)."""
import datetime
import uuid

import pytest

from nova.db.main import instances as db

CREATED = datetime.datetime(2024, 5, 6, 7, 8, 9, 123456)


@pytest.fixture
def connection(cell_connection):
    return cell_connection


def _create(conn, name, minutes, vm_state='active', **values):
    values = dict({'uuid': str(uuid.uuid4()), 'display_name': name,
                   'vm_state': vm_state, 'project_id': 'p1',
                   'created_at': CREATED + datetime.timedelta(
                       minutes=minutes)}, **values)
    db.create(conn, values, {'flavor': '{"cur": null}'},
              {'role': name}, {'image_os': 'cirros'})
    return values['uuid']


def test_only_the_columns_asked_for_and_what_paging_needs(connection):
    _create(connection, 'a', 1, launched_at=CREATED, locked=None)
    rows = db.get_all(connection, {'project_id': 'p1'},
                      sort_keys=['display_name'], sort_dirs=['asc'],
                      columns=['launched_at', 'flavor', 'locked'],
                      side=['metadata'])
    assert set(rows[0]) == {'uuid', 'vm_state', 'display_name',
                            'launched_at', 'flavor', 'locked', 'metadata'}


def test_values_and_order_as_the_whole_row_read(connection):
    for i, name in enumerate(('b', 'a', 'c')):
        _create(connection, name, i, launched_at=CREATED, host='h%d' % i,
                vm_state='error' if name == 'c' else 'active')
    db.add_fault(connection, {'instance_uuid': db.get_all(
        connection, {'display_name': 'c'})[0]['uuid'], 'code': 500,
        'message': 'boom', 'details': None, 'host': 'h2'})
    side = ['metadata', 'system_metadata', 'fault']
    whole = db.get_all(connection, {'project_id': 'p1'}, side=side,
                       sort_keys=['created_at'], sort_dirs=['desc'])
    columns = ['display_name', 'host', 'created_at', 'updated_at',
               'launched_at', 'terminated_at', 'flavor']
    lean = db.get_all(connection, {'project_id': 'p1'}, side=side,
                      sort_keys=['created_at'], sort_dirs=['desc'],
                      columns=columns)
    assert [r['display_name'] for r in lean] == ['c', 'a', 'b']
    for full, row in zip(whole, lean):
        assert row == {k: full[k] for k in row}
        assert isinstance(row['created_at'], datetime.datetime)
        assert row['created_at'].tzinfo is None
    assert lean[0]['fault']['message'] == 'boom'
    assert lean[1]['metadata'] == {'role': 'a'}


def test_keyset_paging_with_columns(connection):
    ids = [_create(connection, 'vm', i) for i in range(3)]
    page = db.get_all(connection, {}, sort_keys=['created_at'],
                      sort_dirs=['desc'], limit=2,
                      columns=['display_name'])
    assert [r['uuid'] for r in page] == ids[:0:-1]
    rest = db.get_all(connection, {}, sort_keys=['created_at'],
                      sort_dirs=['desc'], marker=page[-1]['uuid'],
                      columns=['display_name'])
    assert [r['uuid'] for r in rest] == ids[:1]


@pytest.mark.parametrize('direction', ['asc', 'desc'])
def test_paging_on_a_nullable_key_visits_every_row_once(connection,
                                                        direction):
    # PostgreSQL sorts NULLs last ascending where SQLite and MariaDB sort
    # them first; the marker logic and the cross-cell merge assume first.
    hosts = ['h2', None, 'h1', None, 'h3', 'h1']
    ids = {_create(connection, 'vm', i, host=host)
           for i, host in enumerate(hosts)}
    whole = db.get_all(connection, {}, sort_keys=['host'],
                       sort_dirs=[direction])
    nulls = [r['host'] is None for r in whole]
    assert nulls == sorted(nulls, reverse=direction == 'asc')
    seen, marker = [], None
    while True:
        page = db.get_all(connection, {}, sort_keys=['host'],
                          sort_dirs=[direction], limit=2, marker=marker)
        if not page:
            break
        seen += [r['uuid'] for r in page]
        marker = page[-1]['uuid']
    assert seen == [r['uuid'] for r in whole]
    assert set(seen) == ids
