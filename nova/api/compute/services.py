"""/os-services: every nova daemon of every cell, up or down; enable,
disable and force down compute services; delete services.

A service is down when its last heartbeat is older than
``service_down_time`` (or an admin forced it down).
"""
from oslo_utils import uuidutils

from nova.api.compute.schemas import services as schemas
from nova.api import validation
from nova.api import wsgi
from nova.compute import availability_zones
from nova import exception
from nova.policies import services as policies


def _zones(req, services):
    hosts = {s.host for s in services if s.binary == 'nova-compute'}
    zones = availability_zones.host_zones(
        req.context, req.services.conf, hosts) if hosts else {}
    internal = req.services.conf.internal_service_availability_zone
    return {(s.host, s.binary): zones.get(s.host, internal)
            if s.binary == 'nova-compute' else internal for s in services}


def _view(req, service, zone):
    item = {
        'id': service.uuid if req.api_version >= (2, 53) else service.id,
        'binary': service.binary, 'host': service.host, 'zone': zone,
        'status': 'disabled' if service.disabled else 'enabled',
        'state': ('up' if service.is_up(req.services.conf.service_down_time)
                  else 'down'),
        'updated_at': service.updated_at and service.updated_at.strftime(
            '%Y-%m-%dT%H:%M:%S.%f'),
        'disabled_reason': service.disabled_reason,
    }
    if req.api_version >= (2, 11):
        item['forced_down'] = service.forced_down
    return item


def index(req):
    req.can(policies.SERVICES % 'list')
    services = req.services.compute_api.get_services(
        req.context, host=req.GET.get('host'),
        binary=req.GET.get('binary'))
    zones = _zones(req, services)
    return wsgi.json_response({'services': [
        _view(req, s, zones[s.host, s.binary]) for s in services]})


def update(req, service_id):
    """PUT /os-services/{service_id}: a uuid at 2.53+, an action word before."""
    req.can(policies.SERVICES % 'update')
    if req.api_version < (2, 53):
        return _legacy_update(req, service_id)
    body = req.json_body()
    validation.validate(schemas.UPDATE, body)
    if not body:
        raise exception.ValidationError(
            message="No updates were requested. Fields 'status' or "
                    "'forced_down' should be specified.")
    if 'disabled_reason' in body and body.get('status') != 'disabled':
        raise exception.ValidationError(
            message="Specifying 'disabled_reason' with status "
                    "'enabled' or without status is invalid.")
    if not uuidutils.is_uuid_like(service_id):
        raise exception.ServiceNotFound(service_id=service_id)
    api = req.services.compute_api
    service = api.find_service(req.context, uuid=service_id)
    if service.binary != 'nova-compute':
        raise exception.ValidationError(
            message='Updating a %s service is not supported. Only '
                    'nova-compute services can be updated.' % service.binary)
    values = {}
    if 'status' in body:
        values['disabled'] = body['status'] == 'disabled'
        values['disabled_reason'] = body.get('disabled_reason')
    if 'forced_down' in body:
        values['forced_down'] = validation.to_bool(body['forced_down'])
    api.update_service(req.context, service, **values)
    zone = _zones(req, [service])[service.host, service.binary]
    return wsgi.json_response({'service': _view(req, service, zone)})


def delete(req, service_id):
    """DELETE /os-services/{service_id}: a uuid from 2.53, the integer id
    before (nova.compute.service_delete does the work)."""
    req.can(policies.SERVICES % 'delete')
    if req.api_version >= (2, 53):
        if not uuidutils.is_uuid_like(service_id):
            raise exception.Invalid('Invalid uuid %s' % service_id)
        key = {'uuid': service_id}
    else:
        try:
            key = {'id': int(service_id)}
        except ValueError:
            raise exception.Invalid('Invalid ID %s' % service_id)
    req.services.compute_api.delete_service(req.context, **key)
    return wsgi.empty_response(204)


_LEGACY_ACTIONS = ('enable', 'disable', 'disable-log-reason', 'force-down')


def _legacy_update(req, action):
    if action not in _LEGACY_ACTIONS or (
            action == 'force-down' and req.api_version < (2, 11)):
        raise exception.NotFound()
    body = req.json_body()
    validation.validate(schemas.LEGACY, body)
    values, shown = {}, {'host': body['host'], 'binary': body['binary']}
    if action == 'force-down':
        if 'forced_down' not in body:
            raise exception.ValidationError(
                message="'forced_down' is required to force a service "
                        "down.")
        values['forced_down'] = validation.to_bool(body['forced_down'])
        shown['forced_down'] = values['forced_down']
    else:
        values['disabled'] = action != 'enable'
        values['disabled_reason'] = None
        if action == 'disable-log-reason':
            if 'disabled_reason' not in body:
                raise exception.ValidationError(
                    message='Missing disabled reason field')
            values['disabled_reason'] = shown['disabled_reason'] = \
                body['disabled_reason']
        shown['status'] = 'disabled' if values['disabled'] else 'enabled'
    api = req.services.compute_api
    service = api.find_service(req.context, host=body['host'],
                               binary=body['binary'])
    api.update_service(req.context, service, **values)
    return wsgi.json_response({'service': shown})
