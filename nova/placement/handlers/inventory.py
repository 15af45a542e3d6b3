"""/resource_providers/{uuid}/inventories[/{resource_class}]."""
from nova import exception
from nova.placement.schemas import inventory as schema
from nova.placement.store import inventories as inv_store
from nova.placement.store import providers as rp_store
from nova.placement.store import resource_classes
from nova.placement import wsgi


def _normalize(req, rc, fields):
    return inv_store.normalize(rc, fields,
                               reserved_can_be_total=req.version >= (1, 26))


def _inventories_view(provider, inventories):
    return {'resource_provider_generation': provider['generation'],
            'inventories': inventories}


def _one_view(provider, inventory):
    return dict(inventory, resource_provider_generation=provider[
        'generation'])


def _check_classes(session, names):
    for rc in names:
        if not resource_classes.exists(session, rc):
            raise exception.Invalid(
                reason='Unknown resource class in inventory for resource '
                       'provider: %s' % rc)


def _change(req, uuid, change, generation=None):
    """Apply change(current) -> wanted inventories under the provider's
    generation; returns (provider, inventories)."""
    def write(session):
        provider = rp_store.get_or_raise(session, uuid)
        if generation is not None:
            rp_store.check_generation(provider, generation)
        current = inv_store.of_provider(session, provider['id'])
        wanted = change(current)
        _check_classes(session, wanted)
        if inv_store.replace(session, provider, wanted):
            rp_store.bump_generation(session, provider)
        return provider, wanted
    return req.write(write)


def _read(req, uuid):
    def read(session):
        provider = rp_store.get_or_raise(session, uuid)
        return provider, inv_store.of_provider(session, provider['id'])
    return req.read(read)


def list_inventories(req, uuid):
    req.can('placement:resource_providers:inventories:list')
    provider, inventories = _read(req, uuid)
    return wsgi.json_response(req, _inventories_view(provider, inventories),
                              last_modified=wsgi.latest(provider))


def show_inventory(req, uuid, resource_class):
    req.can('placement:resource_providers:inventories:show')
    provider, inventories = _read(req, uuid)
    if resource_class not in inventories:
        raise exception.InventoryNotFound(resource_class=resource_class,
                                          uuid=uuid)
    return wsgi.json_response(
        req, _one_view(provider, inventories[resource_class]),
        last_modified=wsgi.latest(provider))


def create_inventory(req, uuid):
    req.can('placement:resource_providers:inventories:create')
    body = req.validated_body(schema.POST)
    rc = body.pop('resource_class')
    generation = body.pop('resource_provider_generation', None)
    new = _normalize(req, rc, body)

    def add(current):
        if rc in current:
            raise exception.PlacementConflict(
                "Update conflict: Inventory for '%s' on resource provider "
                "'%s' already exists." % (rc, uuid))
        return dict(current, **{rc: new})
    provider, _ = _change(req, uuid, add, generation)
    resp = wsgi.json_response(req, _one_view(provider, new), status=201)
    resp.location = req.url('/resource_providers/%s/inventories/%s'
                            % (uuid, rc))
    return resp


def replace_inventories(req, uuid):
    req.can('placement:resource_providers:inventories:update')
    body = req.validated_body(schema.PUT_ALL)
    wanted = {rc: _normalize(req, rc, fields)
              for rc, fields in body['inventories'].items()}
    provider, inventories = _change(req, uuid, lambda _: wanted,
                                    body['resource_provider_generation'])
    return wsgi.json_response(req, _inventories_view(provider, inventories))


def update_inventory(req, uuid, resource_class):
    req.can('placement:resource_providers:inventories:update')
    body = req.validated_body(schema.PUT_ONE)
    generation = body.pop('resource_provider_generation')
    new = _normalize(req, resource_class, body)

    def update(current):
        if resource_class not in current:
            raise exception.InventoryNotFound(resource_class=resource_class,
                                              uuid=uuid)
        return dict(current, **{resource_class: new})
    provider, _ = _change(req, uuid, update, generation)
    return wsgi.json_response(req, _one_view(provider, new))


def delete_inventories(req, uuid):
    req.can('placement:resource_providers:inventories:delete')
    _change(req, uuid, lambda _: {})
    return wsgi.no_content()


def delete_inventory(req, uuid, resource_class):
    req.can('placement:resource_providers:inventories:delete')

    def remove(current):
        if resource_class not in current:
            raise exception.InventoryNotFound(resource_class=resource_class,
                                              uuid=uuid)
        return {rc: inv for rc, inv in current.items()
                if rc != resource_class}
    _change(req, uuid, remove)
    return wsgi.no_content()
