"""What a server create asks of the scheduler: zone, server group, hints.

Checked in the API before anything is written, so a bad zone, an unknown
group or an unreadable ``query`` hint is a 400, never a build that fails
later. nova.compute.api calls these from ``create``.
"""
from oslo_serialization import jsonutils

from nova.compute import availability_zones
from nova import exception
from nova import objects


def checked_zone(context, conf, zone, get_services):
    """The zone to store on the instances and the request spec.

    An explicit zone must have an enabled compute service; no zone means
    ``[DEFAULT] default_schedule_zone`` (None: any zone).
    get_services(context) lists the services of every cell.
    """
    if not zone:
        return conf.default_schedule_zone
    availability_zones.validate_requested_zone(
        context, conf, zone, get_services(context.elevated()))
    return zone


def _first(hints, name):
    values = (hints or {}).get(name) or []
    if isinstance(values, str):
        return values
    return values[0] if values else None


def check_hints(hints):
    """400 for a ``query`` hint that is not a JSON query expression."""
    query = _first(hints, 'query')
    if query is None:
        return
    try:
        parsed = jsonutils.loads(query)
    except ValueError:
        raise exception.Invalid('The query scheduler hint is not valid '
                                'JSON: %s' % query)
    if not isinstance(parsed, list) or not parsed:
        raise exception.Invalid(
            'The query scheduler hint must be a JSON list such as '
            '[">=", "$free_ram_mb", 1024]: %s' % query)


def requested_group(context, hints):
    """The server group the ``group`` hint names, or None (400 if it does
    not exist or belongs to another project)."""
    group_uuid = _first(hints, 'group')
    if not group_uuid:
        return None
    try:
        group = objects.InstanceGroup.get_by_uuid(context, group_uuid)
    except exception.InstanceGroupNotFound:
        group = None
    if group is None or (group.project_id != context.project_id and
                         not context.is_admin):
        raise exception.Invalid('Invalid server group %s: no such group.'
                                % group_uuid)
    return group


def join_group(context, group, instance_uuids):
    """Add the new servers to group; return the group as it now is (every
    member, these included), for the request specs."""
    objects.InstanceGroup.add_members(context, group.uuid, instance_uuids)
    group = objects.InstanceGroup.get_by_uuid(context, group.uuid)
    # Hosts are computed by the scheduler from the members; none stored.
    group.hosts = []
    return group


def leave_group(context, group, instance_uuids):
    """Undo join_group when the create fails before anything is built."""
    if group is not None:
        objects.InstanceGroup.remove_members(context, instance_uuids)
