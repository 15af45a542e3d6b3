"""/servers/{server_id}/os-instance-actions: what was done to a server.

A request that starts an action records it (create, stop, start, ...,
under the request's id); the services that carry it out record events on
it (nova.compute.states, nova.compute.build). The list is newest first;
from 2.58 it is paged (limit, marker = request_id, changes-since, and
changes-before from 2.66). From 2.21 the actions of a deleted server are
still served.

What a show contains depends on policy and microversion: events only for
callers the ``events`` rule lets through before 2.51 and for every reader
of the server from 2.51; their traceback and (2.62) host only for the
``events`` rule; hostId (2.62) for everyone; details (2.84) for the
``events:details`` rule.

Reads: the server (its mapping and cell row), then one query for a list
and one for a show (the action with its events joined).
"""
import copy

from oslo_utils import timeutils

from nova.api.compute.schemas import instance_actions as schemas
from nova.api.compute.views import instance_actions as views
from nova.api import validation
from nova.api import wsgi
from nova import context as nova_context
from nova import exception
from nova import objects
from nova.policies import instance_actions as policies


def _server(req, server_id, rule):
    """(instance, cell context or None) of the server, authorized."""
    context = req.context
    if req.api_version >= (2, 21):
        context = copy.copy(context)
        context.read_deleted = 'yes'
    instance = req.services.compute_api.get(context, server_id,
                                            expected_attrs=[])
    req.can(rule, {'project_id': instance.project_id})
    cell = instance._mapping.cell_mapping
    if cell is None:
        return instance, None  # still a build request: nothing recorded
    with nova_context.target_cell(context, cell) as cctxt:
        return instance, cctxt


def index(req, server_id):
    params = validation.validate_query(schemas.list_query(req.api_version),
                                       req)
    instance, cctxt = _server(req, server_id, policies.LIST)
    paged = req.api_version >= (2, 58)
    max_limit = req.services.conf.api.max_limit
    page = _page(params, max_limit) if paged else {}
    actions = [] if cctxt is None else objects.InstanceActionList.get_page(
        cctxt, instance.uuid, **page).objects
    return wsgi.json_response(views.index(req, server_id, actions, paged,
                                          max_limit))


def _page(params, max_limit):
    since, before = (
        validation.last(params, key) for key in ('changes-since',
                                                 'changes-before'))
    since = since and timeutils.parse_isotime(since)
    before = before and timeutils.parse_isotime(before)
    if since and before and since > before:
        raise exception.Invalid('The value of changes-since must be less '
                                'than or equal to changes-before.')
    return {'limit': min(int(validation.last(params, 'limit', max_limit)),
                         max_limit),
            'marker': validation.last(params, 'marker'),
            'changes_since': since or None, 'changes_before': before or None}


def show(req, server_id, request_id):
    instance, cctxt = _server(req, server_id, policies.SHOW)
    if cctxt is None:
        raise exception.InstanceActionNotFound(request_id=request_id,
                                               instance_uuid=instance.uuid)
    event_view = _event_view(req, instance)
    action, events = objects.InstanceAction.get_with_events(
        cctxt, instance.uuid, request_id, events=event_view is not None)
    if event_view is not None:
        event_view.project_id = action.project_id or instance.project_id
    return wsgi.json_response(views.show(req, action, events, event_view))


def _event_view(req, instance):
    """What the caller sees of events; None: no events at all."""
    target = {'project_id': instance.project_id}
    admin = req.can(policies.EVENTS, target, fatal=False)
    if not admin and req.api_version < (2, 51):
        return None
    details = req.api_version >= (2, 84) and req.can(
        policies.EVENTS_DETAILS, target, fatal=False)
    return views.EventView(req.api_version, instance.project_id,
                           traceback=admin, host=admin, details=details)
