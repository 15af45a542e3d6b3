"""Server and flavor bodies per microversion and role, without a DB."""
import pytest

from nova.api.compute.views import flavors as flavor_views
from nova.api.compute.views import servers as server_views
from nova import objects
from tests.unit.api.conftest import make_flavor
from tests.unit.api.conftest import make_instance
from tests.unit.api.conftest import NOW

UUID = '6a6c0cd7-4b4d-4c35-a5b3-1b1bd1b2a8c9'


def _show(make_req, instance=None, **kw):
    view = server_views.ServerView(make_req(**kw))
    view.prefetch = lambda instances: None   # no database here
    return view.show(instance or make_instance())['server']


def test_v21_body_for_a_project_member(make_req):
    body = _show(make_req)
    assert body['id'] == UUID and body['name'] == 'vm'
    assert body['status'] == 'ACTIVE' and body['progress'] == 0
    assert body['tenant_id'] == 'p1' and body['user_id'] == 'u1'
    assert body['links'] == [
        {'rel': 'self', 'href': 'http://localhost/v2.1/servers/' + UUID},
        {'rel': 'bookmark', 'href': 'http://localhost/servers/' + UUID}]
    assert body['flavor'] == {'id': '42', 'links': [
        {'rel': 'bookmark', 'href': 'http://localhost/flavors/42'}]}
    assert body['image']['id'] == '70a599e0-31e7-49b7-b260-868f441e862b'
    assert body['image']['links'][0]['href'].endswith(
        '/images/70a599e0-31e7-49b7-b260-868f441e862b')
    assert body['created'] == '2024-05-06T07:08:09Z'
    assert body['OS-SRV-USG:launched_at'] == '2024-05-06T07:08:09.123456'
    assert body['addresses'] == {} and body['metadata'] == {'k': 'v'}
    assert body['OS-EXT-STS:vm_state'] == 'active'
    assert body['OS-EXT-STS:power_state'] == 1
    assert body['OS-EXT-AZ:availability_zone'] == 'nova'
    assert body['os-extended-volumes:volumes_attached'] == []
    assert body['accessIPv4'] == '' and body['config_drive'] == ''
    assert len(body['hostId']) == 56
    assert 'security_groups' not in body
    assert not [k for k in body if k.startswith('OS-EXT-SRV-ATTR')]
    for later in ('locked', 'description', 'tags', 'host_status',
                  'server_groups', 'pinned_availability_zone'):
        assert later not in body


def test_admin_sees_extended_attributes_from_23(make_req):
    body = _show(make_req, user='admin', version=(2, 1))
    assert body['OS-EXT-SRV-ATTR:host'] == 'cmp1'
    assert body['OS-EXT-SRV-ATTR:hypervisor_hostname'] == 'cmp1.example'
    assert body['OS-EXT-SRV-ATTR:instance_name'] == 'instance-00000001'
    assert 'OS-EXT-SRV-ATTR:reservation_id' not in body
    body = _show(make_req, user='admin', version=(2, 3))
    assert body['OS-EXT-SRV-ATTR:reservation_id'] == 'r-1'
    assert body['OS-EXT-SRV-ATTR:launch_index'] == 0
    assert body['OS-EXT-SRV-ATTR:hostname'] == 'vm'
    assert 'OS-EXT-SRV-ATTR:user_data' in body


def test_hostname_for_everyone_from_290(make_req):
    assert 'OS-EXT-SRV-ATTR:hostname' not in _show(make_req,
                                                   version=(2, 89))
    body = _show(make_req, version=(2, 90))
    assert body['OS-EXT-SRV-ATTR:hostname'] == 'vm'
    assert 'OS-EXT-SRV-ATTR:host' not in body


def test_fields_added_by_later_microversions(make_req):
    body = _show(make_req, version=(2, 100))
    assert body['locked'] is False and body['locked_reason'] is None
    assert body['description'] == 'a server'
    assert body['tags'] == [] and body['server_groups'] == []
    assert body['trusted_image_certificates'] is None
    assert body['pinned_availability_zone'] is None
    assert body['scheduler_hints'] == {}
    assert body['image']['properties'] == {'os_distro': 'cirros'}
    assert body['flavor'] == {
        'vcpus': 2, 'ram': 2048, 'disk': 20, 'ephemeral': 0, 'swap': 0,
        'original_name': 'm1.small',
        'extra_specs': {'hw:cpu_policy': 'shared'}}
    assert 'host_status' not in body     # admins only


def test_locked_reason(make_req):
    instance = make_instance(locked=True, locked_by='owner',
                             system_metadata={'locked_reason': 'audit'})
    body = _show(make_req, instance, version=(2, 73))
    assert body['locked'] is True and body['locked_reason'] == 'audit'


def test_host_status_for_admins_from_216(make_req):
    view = server_views.ServerView(make_req(user='admin', version=(2, 16)))
    view.prefetch = lambda instances: None
    view._host_statuses = {'cmp1': 'DOWN'}
    assert view.show(make_instance())['server']['host_status'] == 'DOWN'
    assert view.show(make_instance(host=None))['server']['host_status'] \
        == ''
    view = server_views.ServerView(make_req(user='admin', version=(2, 15)))
    view.prefetch = lambda instances: None
    assert 'host_status' not in view.show(make_instance())['server']


def test_request_spec_fields(make_req):
    view = server_views.ServerView(make_req(version=(2, 100)))
    view.prefetch = lambda instances: None
    view._specs = {UUID: {'availability_zone': 'az1',
                          'scheduler_hints': {'group': ['g']}}}
    body = view.show(make_instance())['server']
    assert body['pinned_availability_zone'] == 'az1'
    assert body['scheduler_hints'] == {'group': ['g']}


def _fault(code, details='Traceback ...'):
    return objects.InstanceFault(code=code, message='boom', details=details,
                                 created_at=NOW)


@pytest.mark.parametrize('code,user,has_details', [
    (500, 'demo', False), (500, 'admin', True),
    (400, 'demo', True), (400, 'admin', True)])
def test_fault_details(make_req, code, user, has_details):
    instance = make_instance(vm_state='error', fault=_fault(code))
    body = _show(make_req, instance, user=user)
    assert body['status'] == 'ERROR'
    assert body['fault']['code'] == code
    assert body['fault']['message'] == 'boom'
    assert body['fault']['created'] == '2024-05-06T07:08:09Z'
    assert ('details' in body['fault']) is has_details
    assert 'progress' not in body


def test_no_fault_shown_for_an_active_server(make_req):
    body = _show(make_req, make_instance(fault=_fault(500)))
    assert 'fault' not in body


def test_server_being_built_has_no_id_yet(make_req):
    instance = make_instance(vm_state='building', task_state='scheduling',
                             host=None, node=None, launched_at=None)
    del instance.id
    body = _show(make_req, instance, user='admin', version=(2, 100))
    assert body['status'] == 'BUILD' and body['hostId'] == ''
    assert body['OS-EXT-SRV-ATTR:instance_name'].startswith('instance-')


def test_partial_server_from_a_down_cell(make_req):
    instance = objects.Instance(uuid=UUID, project_id='p1', user_id='u1',
                                created_at=NOW, flavor=make_flavor(),
                                image_ref='img', availability_zone=None)
    view = server_views.ServerView(make_req(version=(2, 69)))
    body = view.show(instance)['server']
    assert body['status'] == 'UNKNOWN' and body['tenant_id'] == 'p1'
    assert body['OS-EXT-STS:power_state'] == 0
    detail = view.index([instance], False, 1000)['servers']
    assert detail == [{'id': UUID, 'status': 'UNKNOWN',
                       'links': view.links.pair('servers', UUID)}]
    old = server_views.ServerView(make_req(version=(2, 68)))
    assert old.index([instance], False, 1000)['servers'] == []


def test_next_link_when_the_page_is_full(make_req):
    req = make_req(path='/servers', query='limit=2&name=vm')
    view = server_views.ServerView(req)
    instances = [make_instance(uuid='00000000-0000-4000-8000-00000000000%d'
                               % i) for i in range(2)]
    body = view.index(instances, False, 1000)
    assert body['servers_links'] == [{
        'rel': 'next',
        'href': 'http://localhost/v2.1/servers?limit=2&name=vm&marker='
                '00000000-0000-4000-8000-000000000001'}]
    assert 'servers_links' not in view.index(instances[:1], False, 1000)


def test_links_keep_the_project_from_the_url(make_req):
    req = make_req()
    req.environ['nova.url_project_id'] = 'p1'
    view = server_views.ServerView(req)
    assert view.links.pair('servers', 'x') == [
        {'rel': 'self', 'href': 'http://localhost/v2.1/p1/servers/x'},
        {'rel': 'bookmark', 'href': 'http://localhost/p1/servers/x'}]


def test_create_body(make_req):
    body = server_views.ServerView(make_req()).create(
        make_instance(), 'secret', ['default'])['server']
    assert body == {
        'id': UUID, 'adminPass': 'secret', 'OS-DCF:diskConfig': 'MANUAL',
        'security_groups': [{'name': 'default'}],
        'links': server_views.ServerView(make_req()).links.pair(
            'servers', UUID)}


# -- flavors ------------------------------------------------------------------

def test_flavor_detail_by_microversion(make_req):
    flavor = make_flavor(description='small one')
    body = flavor_views.FlavorView(make_req()).detail(flavor)
    assert body['swap'] == '' and body['ram'] == 2048
    assert body['OS-FLV-EXT-DATA:ephemeral'] == 0
    assert body['OS-FLV-DISABLED:disabled'] is False
    assert body['os-flavor-access:is_public'] is True
    assert body['rxtx_factor'] == 1.0
    assert 'description' not in body and 'extra_specs' not in body
    body = flavor_views.FlavorView(make_req(version=(2, 55))).detail(flavor)
    assert body['description'] == 'small one'
    body = flavor_views.FlavorView(make_req(version=(2, 61))).detail(flavor)
    assert body['extra_specs'] == {'hw:cpu_policy': 'shared'}
    body = flavor_views.FlavorView(make_req(version=(2, 75))).detail(flavor)
    assert body['swap'] == 0
    basic = flavor_views.FlavorView(make_req(version=(2, 61))).basic(flavor)
    assert set(basic) == {'id', 'name', 'links', 'description'}


def test_flavor_extra_specs_hidden_from_users_without_the_rule(make_req):
    view = flavor_views.FlavorView(make_req(version=(2, 61), roles=[]))
    assert 'extra_specs' not in view.detail(make_flavor())
