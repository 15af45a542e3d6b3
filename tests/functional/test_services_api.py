"""PUT /os-services: enable, disable and force down compute services."""
import uuid

import pytest


def _computes(api, microversion='2.53'):
    services = api.get('/os-services?binary=nova-compute',
                       microversion=microversion).json['services']
    return {s['host']: s for s in services}


@pytest.fixture
def restore_services(nova_api):
    yield
    for service in _computes(nova_api).values():
        nova_api.put('/os-services/%s' % service['id'],
                     {'status': 'enabled', 'forced_down': False},
                     microversion='2.53')


def test_disable_with_reason_is_shown_and_avoided(nova_api,
                                                  restore_services):
    computes = _computes(nova_api)
    for host in ('compute1', 'compute2'):
        resp = nova_api.put('/os-services/%s' % computes[host]['id'], {
            'status': 'disabled', 'disabled_reason': 'maintenance'},
            microversion='2.53')
        assert resp.status_int == 200, resp.text
        shown = resp.json['service']
        assert (shown['status'], shown['disabled_reason'], shown['zone']) \
            == ('disabled', 'maintenance', 'nova')
    assert _computes(nova_api)['compute1']['status'] == 'disabled'
    flavor = nova_api.create_flavor()
    server = nova_api.create_server(flavor['id'])
    server = nova_api.wait_for_status(server['id'], 'ACTIVE')
    assert server['OS-EXT-SRV-ATTR:host'] == 'compute3'
    nova_api.delete('/servers/%s' % server['id'])
    nova_api.wait_for_gone(server['id'])


def test_force_down_shows_the_service_down(nova_api, restore_services):
    service = _computes(nova_api)['compute2']
    resp = nova_api.put('/os-services/%s' % service['id'],
                        {'forced_down': True}, microversion='2.53')
    assert resp.status_int == 200, resp.text
    assert (resp.json['service']['forced_down'],
            resp.json['service']['state']) == (True, 'down')


@pytest.mark.parametrize('body', [
    {}, {'status': 'enabled', 'disabled_reason': 'why'},
    {'disabled_reason': 'why'}, {'status': 'off'}, {'forced_down': 'maybe'},
    {'status': 'disabled', 'extra': 1}])
def test_bad_updates_are_400(nova_api, body):
    service = _computes(nova_api)['compute1']
    resp = nova_api.put('/os-services/%s' % service['id'], body,
                        microversion='2.53')
    assert resp.status_int == 400, resp.text
    assert resp.json['badRequest']['code'] == 400


def test_only_computes_can_be_updated(nova_api):
    services = nova_api.get('/os-services?binary=nova-conductor',
                            microversion='2.53').json['services']
    resp = nova_api.put('/os-services/%s' % services[0]['id'],
                        {'status': 'disabled'}, microversion='2.53')
    assert resp.status_int == 400
    assert 'Only nova-compute services' in resp.text


def test_unknown_service_is_404(nova_api):
    for service_id in (str(uuid.uuid4()), 'not-a-uuid'):
        resp = nova_api.put('/os-services/%s' % service_id,
                            {'status': 'disabled'}, microversion='2.53')
        assert resp.status_int == 404, resp.text


def test_legacy_actions_before_2_53(nova_api, restore_services):
    body = {'host': 'compute3', 'binary': 'nova-compute'}
    resp = nova_api.put('/os-services/disable-log-reason',
                        dict(body, disabled_reason='disk'),
                        microversion='2.52')
    assert resp.status_int == 200, resp.text
    assert resp.json['service'] == dict(body, status='disabled',
                                        disabled_reason='disk')
    shown = _computes(nova_api, '2.52')['compute3']
    assert (shown['status'], shown['disabled_reason']) == ('disabled',
                                                           'disk')
    resp = nova_api.put('/os-services/enable', body, microversion='2.1')
    assert resp.json['service'] == dict(body, status='enabled')
    # force-down appeared at 2.11.
    assert nova_api.put('/os-services/force-down',
                        dict(body, forced_down=True),
                        microversion='2.10').status_int == 404
    resp = nova_api.put('/os-services/force-down',
                        dict(body, forced_down=True), microversion='2.11')
    assert resp.json['service'] == dict(body, forced_down=True)


def test_members_cannot_update(nova_api):
    service = _computes(nova_api)['compute1']
    member = nova_api.as_user('demo', uuid.uuid4().hex)
    resp = member.put('/os-services/%s' % service['id'],
                      {'status': 'disabled'}, microversion='2.53')
    assert resp.status_int == 403
