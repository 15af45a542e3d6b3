"""/os-services: every nova daemon of every cell, up or down.

A service is down when its last heartbeat is older than
``service_down_time`` (or an admin forced it down).
"""
from nova.api import wsgi
from nova.policies import services as policies


def index(req):
    req.can(policies.SERVICES % 'list')
    services = req.services.compute_api.get_services(
        req.context, host=req.GET.get('host'),
        binary=req.GET.get('binary'))
    down_time = req.services.conf.service_down_time
    uuid_ids = req.api_version >= (2, 53)
    forced = req.api_version >= (2, 11)
    body = []
    for service in services:
        item = {
            'id': service.uuid if uuid_ids else service.id,
            'binary': service.binary, 'host': service.host,
            'zone': 'nova' if service.binary == 'nova-compute'
            else 'internal',
            'status': 'disabled' if service.disabled else 'enabled',
            'state': 'up' if service.is_up(down_time) else 'down',
            'updated_at': service.updated_at and service.updated_at.strftime(
                '%Y-%m-%dT%H:%M:%S.%f'),
            'disabled_reason': service.disabled_reason,
        }
        if forced:
            item['forced_down'] = service.forced_down
        body.append(item)
    return wsgi.json_response({'services': body})
