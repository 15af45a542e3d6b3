"""Instance action and event bodies.

Times are shown as Nova shows them here: ISO 8601 with microseconds and
no zone (``2018-04-25T01:26:29.092892``), unlike the ``...Z`` of servers.
"""
import hashlib

from nova.api.compute.views import links as links_view
from nova.objects import base

_ACTION_KEYS = ('action', 'instance_uuid', 'request_id', 'user_id',
                'project_id', 'message')


def _time(value):
    value = base.naive(value)
    return value.isoformat(timespec='microseconds') if value else None


def host_id(project_id, host):
    """The hostId of a host as a project sees it: the hash servers show
    (nova.api.compute.views.servers), '' without a host or project."""
    if not host or not project_id:
        return ''
    return hashlib.sha224((project_id + host).encode('utf-8')).hexdigest()


def action(version, record):
    body = {key: getattr(record, key) for key in _ACTION_KEYS}
    body['start_time'] = _time(record.start_time)
    if version >= (2, 58):
        # Every action records updated_at at its start (as Nova does);
        # a row written before it did stands on its creation, as in the
        # changes-since filter (InstanceActionList.get_page).
        body['updated_at'] = _time(record.updated_at or record.created_at)
    return body


class EventView:
    """Which event fields a caller sees, decided once per request."""

    def __init__(self, version, project_id, traceback, host, details):
        self.project_id = project_id
        self.traceback = traceback
        self.host = host and version >= (2, 62)
        self.host_id = version >= (2, 62)
        self.details = details and version >= (2, 84)

    def event(self, event):
        body = {'event': event.event,
                'start_time': _time(event.start_time),
                'finish_time': _time(event.finish_time),
                'result': event.result}
        if self.traceback:
            body['traceback'] = event.traceback
        if self.host:
            body['host'] = event.host
        if self.host_id:
            body['hostId'] = host_id(self.project_id, event.host)
        if self.details:
            body['details'] = event.details
        return body


def index(req, server_id, actions, paged, max_limit):
    """{"instanceActions": [...]}, with a next link from 2.58 when the page
    is full."""
    version = req.api_version
    bodies = [action(version, a) for a in actions]
    result = {'instanceActions': bodies}
    if paged:
        links = links_view.collection_links(
            req, links_view.Links(req), bodies,
            'servers/%s/os-instance-actions' % server_id, max_limit,
            key='request_id')
        if links:
            result['links'] = links
    return result


def show(req, found, events, event_view):
    body = action(req.api_version, found)
    if event_view is not None:
        body['events'] = [event_view.event(e) for e in events]
    return {'instanceAction': body}
