"""/os-availability-zone: the zones servers may be created in, and (admin,
``/detail``) the hosts and services of every zone."""
from nova.api import wsgi
from nova.compute import availability_zones
from nova.policies import availability_zones as policies


def _zones(req):
    services = req.services.compute_api.get_services(req.context)
    return availability_zones.list_zones(req.context, req.services.conf,
                                         services)


def index(req):
    req.can(policies.POLICY_ROOT % 'list')
    zones = _zones(req)
    internal = req.services.conf.internal_service_availability_zone
    info = [{'zoneName': name, 'zoneState': {'available': True},
             'hosts': None}
            for name in sorted(zones.available) if name != internal]
    info += [{'zoneName': name, 'zoneState': {'available': False},
              'hosts': None} for name in zones.unavailable
             if name != internal]
    return wsgi.json_response({'availabilityZoneInfo': info})


def _hosts(services, down_time):
    hosts = {}
    for service in services:
        hosts.setdefault(service.host, {})[service.binary] = {
            'available': service.is_up(down_time),
            'active': not service.disabled,
            'updated_at': service.updated_at}
    return hosts


def detail(req):
    req.can(policies.POLICY_ROOT % 'detail')
    zones = _zones(req)
    down_time = req.services.conf.service_down_time
    info = [{'zoneName': name, 'zoneState': {'available': True},
             'hosts': _hosts(services, down_time)}
            for name, services in sorted(zones.available.items())]
    info += [{'zoneName': name, 'zoneState': {'available': False},
              'hosts': None} for name in zones.unavailable]
    return wsgi.json_response({'availabilityZoneInfo': info})
