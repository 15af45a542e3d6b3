"""/resource_providers/{uuid}/usages and /usages (1.9)."""
from nova import exception
from nova.placement import query
from nova.placement.store import providers as rp_store
from nova.placement.store import usages as usage_store
from nova.placement import wsgi


def provider_usages(req, uuid):
    req.can('placement:resource_providers:usages')

    def read(session):
        provider = rp_store.get_or_raise(session, uuid)
        return provider, usage_store.of_provider(session, provider['id'])
    provider, usages = req.read(read)
    return wsgi.json_response(req, {
        'resource_provider_generation': provider['generation'],
        'usages': usages})


def project_usages(req):
    req.can('placement:usages')
    allowed = ['project_id', 'user_id']
    if req.version >= (1, 38):
        allowed.append('consumer_type')
    query.check_keys(req, allowed)
    project_id = query.single(req, 'project_id')
    if not project_id:
        raise exception.PlacementQueryError(
            reason="Invalid query string parameters: 'project_id' is a "
                   "required property", error_code=query.MISSING)
    by_type = req.version >= (1, 38)
    usages = req.read(lambda s: usage_store.of_project(
        s, project_id, query.single(req, 'user_id'),
        consumer_type=query.single(req, 'consumer_type') if by_type
        else None, by_type=by_type))
    return wsgi.json_response(req, {'usages': usages})
