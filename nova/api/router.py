"""The one route table of the compute API (everything under /v2.1).

Each row is a path template and its methods; a method maps to a handler,
or to ``(handler, min_version)`` when the call appeared in a later
microversion, or ``(handler, min_version, max_version)`` when a later
one removed it (the proxy APIs). Every path is also served under
``/{project_id}`` (the URL form used before 2.18). A path that matches no
row is a 404, a known path with another method a 405 carrying ``Allow``, a
call outside its microversions a 404.
"""
import routes

from nova.api.compute import aggregates
from nova.api.compute import availability_zones
from nova.api.compute import flavor_extra_specs
from nova.api.compute import flavors
from nova.api.compute import image_metadata
from nova.api.compute import images
from nova.api.compute import instance_actions
from nova.api.compute import server_actions
from nova.api.compute import server_groups
from nova.api.compute import servers
from nova.api.compute import services
from nova.api import microversion
from nova import exception

_SPECS = '/flavors/{flavor_id}/os-extra_specs'

ROUTES = [
    ('/flavors', {'GET': flavors.index, 'POST': flavors.create}),
    ('/flavors/detail', {'GET': flavors.detail}),
    ('/flavors/{flavor_id}', {'GET': flavors.show,
                              'PUT': (flavors.update, (2, 55)),
                              'DELETE': flavors.delete}),
    ('/flavors/{flavor_id}/action', {'POST': flavors.action}),
    ('/flavors/{flavor_id}/os-flavor-access', {'GET': flavors.access_list}),
    (_SPECS, {'GET': flavor_extra_specs.index,
              'POST': flavor_extra_specs.create}),
    (_SPECS + '/{key}', {'GET': flavor_extra_specs.show,
                         'PUT': flavor_extra_specs.update,
                         'DELETE': flavor_extra_specs.delete}),
    ('/servers', {'GET': servers.index, 'POST': servers.create}),
    ('/servers/detail', {'GET': servers.detail}),
    ('/servers/{server_id}', {'GET': servers.show,
                              'DELETE': servers.delete}),
    ('/servers/{server_id}/action', {'POST': server_actions.action}),
    ('/servers/{server_id}/os-instance-actions', {
        'GET': instance_actions.index}),
    ('/servers/{server_id}/os-instance-actions/{request_id}', {
        'GET': instance_actions.show}),
    ('/os-services', {'GET': services.index}),
    ('/os-services/{service_id}', {'PUT': services.update,
                                  'DELETE': services.delete}),
    ('/os-server-groups', {'GET': server_groups.index,
                           'POST': server_groups.create}),
    ('/os-server-groups/{server_group_id}', {
        'GET': server_groups.show, 'DELETE': server_groups.delete}),
    ('/os-aggregates', {'GET': aggregates.index,
                        'POST': aggregates.create}),
    ('/os-aggregates/{aggregate_id}', {'GET': aggregates.show,
                                       'PUT': aggregates.update,
                                       'DELETE': aggregates.delete}),
    ('/os-aggregates/{aggregate_id}/action', {'POST': aggregates.action}),
    ('/os-aggregates/{aggregate_id}/images', {
        'POST': (aggregates.cache_images, (2, 81))}),
    ('/os-availability-zone', {'GET': availability_zones.index}),
    ('/os-availability-zone/detail', {'GET': availability_zones.detail}),
    # Image proxy APIs: gone (404) after 2.35, image metadata after 2.38.
    ('/images', {'GET': images.proxy(images.index)}),
    ('/images/detail', {'GET': images.proxy(images.detail)}),
    ('/images/{image_id}', {'GET': images.proxy(images.show),
                            'DELETE': images.proxy(images.delete)}),
    ('/images/{image_id}/metadata', {
        'GET': image_metadata.proxy(image_metadata.index),
        'POST': image_metadata.proxy(image_metadata.create),
        'PUT': image_metadata.proxy(image_metadata.update_all)}),
    ('/images/{image_id}/metadata/{key}', {
        'GET': image_metadata.proxy(image_metadata.show),
        'PUT': image_metadata.proxy(image_metadata.update),
        'DELETE': image_metadata.proxy(image_metadata.delete)}),
]


class MethodNotAllowed(exception.NovaException):
    msg_fmt = "The method %(method)s is not allowed on this resource."
    code = 405
    safe = True


class NoSuchRoute(exception.NotFound):
    msg_fmt = "The resource could not be found."


def _handlers(methods):
    table = {}
    for method, entry in methods.items():
        entry = entry if isinstance(entry, tuple) else (entry,)
        handler = entry[0]
        min_version = entry[1] if len(entry) > 1 else microversion.MIN_VERSION
        max_version = entry[2] if len(entry) > 2 else microversion.MAX_VERSION
        table[method] = (handler, min_version, max_version)
    return table


def build_mapper():
    mapper = routes.Mapper()
    mapper.explicit = True
    for index, (path, methods) in enumerate(ROUTES):
        mapper.connect(path, route_index=index)
    for index, (path, methods) in enumerate(ROUTES):
        mapper.connect('/{project_id}' + path, route_index=index)
    return mapper


class Router:
    """Dispatch a request whose PATH_INFO is relative to /v2.1."""

    def __init__(self):
        self.mapper = build_mapper()
        self.tables = [_handlers(methods) for _, methods in ROUTES]

    def route(self, req):
        """(handler, path_args) for req; raises 404/405."""
        path = req.path_info.rstrip('/') or '/'
        match = self.mapper.match(path)
        if match is None:
            raise NoSuchRoute()
        table = self.tables[int(match.pop('route_index'))]
        entry = table.get(req.method)
        if entry is None and req.method == 'HEAD':
            entry = table.get('GET')
        if entry is None:
            error = MethodNotAllowed(method=req.method)
            error.headers = {'Allow': ', '.join(sorted(table))}
            raise error
        handler, min_version, max_version = entry
        if not min_version <= req.api_version <= max_version:
            raise exception.VersionNotFoundForAPIMethod(
                version=microversion.fmt(req.api_version))
        project_id = match.pop('project_id', None)
        if project_id is not None:
            req.environ['nova.url_project_id'] = project_id
        if project_id is not None and project_id != req.context.project_id:
            raise exception.Invalid(
                "Malformed request URL: URL's project_id '%s' doesn't match "
                "Context's project_id '%s'" % (project_id,
                                               req.context.project_id))
        return handler, match
