"""Availability zones: the ``availability_zone`` metadata of aggregates.

A compute host is in the zone of its aggregate that names one (at most one
zone per host: nova.compute.aggregates refuses a second), or else in
``[DEFAULT] default_availability_zone``. Services other than nova-compute
are in ``internal_service_availability_zone``. Zones are derived on
demand; there is no zone table.
"""
import dataclasses

from nova import exception
from nova.objects import aggregate as aggregate_obj

COMPUTE_BINARY = 'nova-compute'


def host_zones(context, conf, hosts=None):
    """{host: zone} of compute hosts from their aggregates, in one query.

    With hosts, every one of them is in the result (the default zone for
    those no zone aggregate names); without, only hosts some zone
    aggregate names.
    """
    # Several zone aggregates per host are refused on the way in; if old
    # data has them, the lowest aggregate id wins, deterministically.
    zones = aggregate_obj.zones_by_host(
        context, None if hosts is None else list(hosts))
    default = conf.default_availability_zone
    for host in hosts or ():
        zones.setdefault(host, default)
    return zones


def get_host_availability_zone(context, conf, host):
    return host_zones(context, conf, [host])[host]


def service_zone(conf, service, compute_zones):
    if service.binary != COMPUTE_BINARY:
        return conf.internal_service_availability_zone
    return compute_zones.get(service.host, conf.default_availability_zone)


@dataclasses.dataclass
class Zones:
    """Zones with an enabled service (available) and the others."""
    available: dict      # zone -> [services], enabled services only
    unavailable: list    # zone names that only have disabled services


def list_zones(context, conf, services):
    """Group services (of every cell) by zone, as os-availability-zone
    shows them."""
    compute_hosts = {s.host for s in services if s.binary == COMPUTE_BINARY}
    compute_zones = host_zones(context, conf, sorted(compute_hosts))
    available, disabled = {}, set()
    for service in services:
        zone = service_zone(conf, service, compute_zones)
        if service.disabled:
            disabled.add(zone)
        else:
            available.setdefault(zone, []).append(service)
    return Zones(available=available,
                 unavailable=sorted(disabled - set(available)))


def validate_requested_zone(context, conf, zone, services):
    """400 unless zone has an enabled compute service."""
    if zone is None:
        return
    zones = list_zones(context, conf, services)
    if zone == conf.internal_service_availability_zone or not any(
            s.binary == COMPUTE_BINARY for s in zones.available.get(zone,
                                                                    ())):
        raise exception.InvalidAvailabilityZone()
