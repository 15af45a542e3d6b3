"""/resource_providers/{uuid}/aggregates (1.1; generations from 1.19)."""
from nova.placement.schemas import aggregate as schema
from nova.placement.store import aggregates as agg_store
from nova.placement.store import providers as rp_store
from nova.placement import wsgi


def _view(req, provider, aggregates):
    body = {'aggregates': sorted(aggregates)}
    if req.version >= (1, 19):
        body['resource_provider_generation'] = provider['generation']
    return wsgi.json_response(req, body, last_modified=wsgi.latest(provider))


def list_aggregates(req, uuid):
    req.can('placement:resource_providers:aggregates:list')

    def read(session):
        provider = rp_store.get_or_raise(session, uuid)
        return provider, agg_store.of_provider(session, provider['id'])
    return _view(req, *req.read(read))


def replace_aggregates(req, uuid):
    req.can('placement:resource_providers:aggregates:update')
    body = req.validated_body(schema.put(req.version))
    if req.version >= (1, 19):
        wanted, generation = body['aggregates'], \
            body['resource_provider_generation']
    else:
        wanted, generation = body, None

    def write(session):
        provider = rp_store.get_or_raise(session, uuid)
        if generation is not None:
            rp_store.check_generation(provider, generation)
        if agg_store.replace(session, provider['id'], wanted):
            rp_store.bump_generation(session, provider)
        return provider
    return _view(req, req.write(write), wanted)
