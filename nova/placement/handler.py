"""The route table of the placement API: every path, method, handler and
the microversion it appeared in (older versions answer 404, as if the
route were not there)."""
import routes

from nova import exception
from nova.placement.handlers import aggregate
from nova.placement.handlers import allocation
from nova.placement.handlers import inventory
from nova.placement.handlers import reshaper
from nova.placement.handlers import resource_class
from nova.placement.handlers import resource_provider
from nova.placement.handlers import root
from nova.placement.handlers import trait
from nova.placement.handlers import usage

_RP = '/resource_providers/{uuid}'


def _candidates(req):
    # Engineer 2's handler; imported on use so the rest of the API works
    # before (or without) the candidates package.
    from nova.placement.handlers import allocation_candidates
    return allocation_candidates.list_candidates(req)


ROUTES = {
    '/': {'GET': (root.home, (1, 0))},
    '/resource_providers': {
        'GET': (resource_provider.list_providers, (1, 0)),
        'POST': (resource_provider.create_provider, (1, 0))},
    _RP: {
        'GET': (resource_provider.show_provider, (1, 0)),
        'PUT': (resource_provider.update_provider, (1, 0)),
        'DELETE': (resource_provider.delete_provider, (1, 0))},
    '/resource_classes': {
        'GET': (resource_class.list_classes, (1, 2)),
        'POST': (resource_class.create_class, (1, 2))},
    '/resource_classes/{name}': {
        'GET': (resource_class.show_class, (1, 2)),
        'PUT': (resource_class.update_class, (1, 2)),
        'DELETE': (resource_class.delete_class, (1, 2))},
    _RP + '/inventories': {
        'GET': (inventory.list_inventories, (1, 0)),
        'POST': (inventory.create_inventory, (1, 0)),
        'PUT': (inventory.replace_inventories, (1, 0)),
        'DELETE': (inventory.delete_inventories, (1, 5))},
    _RP + '/inventories/{resource_class}': {
        'GET': (inventory.show_inventory, (1, 0)),
        'PUT': (inventory.update_inventory, (1, 0)),
        'DELETE': (inventory.delete_inventory, (1, 0))},
    _RP + '/usages': {'GET': (usage.provider_usages, (1, 0))},
    _RP + '/aggregates': {
        'GET': (aggregate.list_aggregates, (1, 1)),
        'PUT': (aggregate.replace_aggregates, (1, 1))},
    _RP + '/allocations': {
        'GET': (allocation.list_for_provider, (1, 0))},
    _RP + '/traits': {
        'GET': (trait.list_provider_traits, (1, 6)),
        'PUT': (trait.replace_provider_traits, (1, 6)),
        'DELETE': (trait.delete_provider_traits, (1, 6))},
    '/allocations': {'POST': (allocation.set_many, (1, 13))},
    '/allocations/{consumer_uuid}': {
        'GET': (allocation.list_for_consumer, (1, 0)),
        'PUT': (allocation.set_for_consumer, (1, 0)),
        'DELETE': (allocation.delete_for_consumer, (1, 0))},
    '/allocation_candidates': {'GET': (_candidates, (1, 10))},
    '/traits': {'GET': (trait.list_traits, (1, 6))},
    '/traits/{name}': {
        'GET': (trait.show_trait, (1, 6)),
        'PUT': (trait.create_trait, (1, 6)),
        'DELETE': (trait.delete_trait, (1, 6))},
    '/usages': {'GET': (usage.project_usages, (1, 9))},
    '/reshaper': {'POST': (reshaper.reshape, (1, 30))},
}


class NotFound(exception.NotFound):
    msg_fmt = 'The resource could not be found.'


class MethodNotAllowed(exception.NovaException):
    msg_fmt = 'The method specified is not allowed for this resource.'
    code = 405
    safe = True


def build_mapper():
    mapper = routes.Mapper()
    for path in ROUTES:
        mapper.connect(path, path_key=path)
    return mapper


class Router:
    """Find the handler of a request; 404/405 when there is none."""

    def __init__(self):
        self.mapper = build_mapper()

    def route(self, req):
        match = self.mapper.match(req.path_info or '/')
        if match is None:
            raise NotFound()
        methods = ROUTES[match.pop('path_key')]
        entry = methods.get(req.method)
        if entry is None:
            error = MethodNotAllowed()
            error.headers = {'Allow': ', '.join(sorted(methods))}
            raise error
        handler, since = entry
        if req.version < since:
            raise NotFound()
        return handler, match
