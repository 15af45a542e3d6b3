"""/resource_providers and /resource_providers/{uuid}."""
from oslo_utils import uuidutils

from nova.placement import query
from nova.placement.schemas import resource_provider as schema
from nova.placement.store import provider_list
from nova.placement.store import providers as rp_store
from nova.placement import wsgi

_LINKS = [((1, 1), 'aggregates'), ((1, 0), 'inventories'),
          ((1, 0), 'usages'), ((1, 6), 'traits'), ((1, 11), 'allocations')]


def view(req, provider):
    base = req.url('/resource_providers/%s' % provider['uuid'])
    links = [{'rel': 'self', 'href': base}] + [
        {'rel': rel, 'href': '%s/%s' % (base, rel)}
        for since, rel in _LINKS if req.version >= since]
    body = {'uuid': provider['uuid'], 'name': provider['name'],
            'generation': provider['generation'], 'links': links}
    if req.version >= (1, 14):
        body['parent_provider_uuid'] = provider['parent_uuid']
        body['root_provider_uuid'] = provider['root_uuid']
    return body


def _allowed_filters(version):
    allowed = ['name', 'uuid']
    for since, key in (((1, 3), 'member_of'), ((1, 4), 'resources'),
                       ((1, 14), 'in_tree'), ((1, 18), 'required')):
        if version >= since:
            allowed.append(key)
    return allowed


def _filters(req):
    query.check_keys(req, _allowed_filters(req.version))
    filters = {'name': query.single(req, 'name'),
               'uuid': query.single(req, 'uuid')}
    if filters['uuid'] is not None:
        query.check_uuid(filters['uuid'], 'uuid')
    in_tree = query.single(req, 'in_tree')
    if in_tree is not None:
        filters['in_tree'] = query.check_uuid(in_tree, 'in_tree')
    if req.GET.getall('member_of'):
        filters['member_of'], filters['forbidden_aggs'] = \
            query.parse_member_of(req.GET.getall('member_of'), req.version)
    resources = query.single(req, 'resources')
    if resources is not None:
        filters['resources'] = query.parse_resources(resources)
    required = req.GET.getall('required')
    if required:
        if len(required) > 1 and req.version < (1, 39):
            query.single(req, 'required')
        filters['required'], filters['forbidden_traits'] = \
            query.parse_required(required, req.version)
    return filters


def list_providers(req):
    req.can('placement:resource_providers:list')
    filters = _filters(req)
    providers = req.read(
        lambda s: provider_list.list_providers(s, **filters))
    return wsgi.json_response(
        req, {'resource_providers': [view(req, p) for p in providers]},
        last_modified=wsgi.latest(*providers))


def create_provider(req):
    req.can('placement:resource_providers:create')
    body = req.validated_body(schema.post(req.version))
    uuid = body.get('uuid') or uuidutils.generate_uuid()
    provider = req.write(lambda s: rp_store.create(
        s, uuid, body['name'], body.get('parent_provider_uuid')))
    location = req.url('/resource_providers/%s' % uuid)
    if req.version >= (1, 20):
        resp = wsgi.json_response(req, view(req, provider))
    else:
        resp = wsgi.no_content(201)
    resp.location = location
    return resp


def show_provider(req, uuid):
    req.can('placement:resource_providers:show')
    provider = req.read(lambda s: rp_store.get_or_raise(s, uuid))
    return wsgi.json_response(req, view(req, provider),
                              last_modified=wsgi.latest(provider))


def update_provider(req, uuid):
    req.can('placement:resource_providers:update')
    body = req.validated_body(schema.put(req.version))

    def update(session):
        provider = rp_store.get_or_raise(session, uuid)
        parent = body.get('parent_provider_uuid', provider['parent_uuid'])
        return rp_store.update(session, provider, body['name'], parent,
                               allow_reparent=req.version >= (1, 37))
    provider = req.write(update)
    return wsgi.json_response(req, view(req, provider),
                              last_modified=wsgi.latest(provider))


def delete_provider(req, uuid):
    req.can('placement:resource_providers:delete')

    def delete(session):
        rp_store.delete(session, rp_store.get_or_raise(session, uuid))
    req.write(delete)
    return wsgi.no_content()
