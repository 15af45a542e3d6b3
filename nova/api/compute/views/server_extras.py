"""What server bodies show but instances do not hold, fetched per page.

``host_statuses``: the state of each compute host (2.16), from the service
records of every cell, one query per cell. ``request_spec_fields``: the
pinned availability zone (2.96) and scheduler hints (2.100) from the
request specs, one query for the page.
"""
from nova import context as nova_context
from nova import objects
from nova.objects import request_spec

UP, DOWN, MAINTENANCE, UNKNOWN, NONE = (
    'UP', 'DOWN', 'MAINTENANCE', 'UNKNOWN', '')


def service_status(service, service_down_time):
    if service is None:
        return NONE
    if service.forced_down:
        return DOWN
    if service.disabled:
        return MAINTENANCE
    return UP if service.is_up(service_down_time) else UNKNOWN


def host_statuses(context, instances, service_down_time):
    """{host: UP|DOWN|MAINTENANCE|UNKNOWN} of the hosts of instances."""
    hosts = {i.host for i in instances
             if i.obj_attr_is_set('host') and i.host}
    if not hosts:
        return {}
    services = {}
    for cell in objects.CellMappingList.get_all_cached(context):
        if cell.is_cell0:
            continue
        with nova_context.target_cell(context, cell) as cctxt:
            for service in objects.ServiceList.get_all(
                    cctxt, binary='nova-compute'):
                if service.host in hosts:
                    services[service.host] = service
    return {host: service_status(services.get(host), service_down_time)
            for host in hosts}


def request_spec_fields(context, instance_uuids, names):
    """{instance uuid: {name: value}} read from the request specs."""
    if not instance_uuids:
        return {}
    return request_spec.get_fields_by_instance_uuids(
        context, instance_uuids, names)


def server_groups(context, instance_uuids):
    """{instance uuid: [uuid of its server group]} (2.71), one query."""
    groups = objects.InstanceGroupList.get_by_instance_uuids(
        context, instance_uuids)
    return {uuid: [group] for uuid, group in groups.items()}
