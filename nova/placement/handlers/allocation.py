"""/allocations/{consumer_uuid}, POST /allocations and
/resource_providers/{uuid}/allocations."""
from oslo_utils import uuidutils

from nova import exception
from nova.placement.schemas import allocation as schema
from nova.placement.store import allocations as alloc_store
from nova.placement.store import providers as rp_store
from nova.placement import wsgi


# Owner of allocations written before 1.8 made project/user required.
INCOMPLETE_CONSUMER_ID = '00000000-0000-0000-0000-000000000000'


class NoAllocations(exception.NotFound):
    msg_fmt = "No allocations for consumer '%(consumer)s'"


def _check_uuid(consumer_uuid):
    if not uuidutils.is_uuid_like(consumer_uuid):
        raise exception.Invalid(reason='Malformed consumer_uuid: %s'
                                % consumer_uuid)


def consumer_view(req, allocations, generations, consumer):
    body = {'allocations': {
        rp: {'generation': generations[rp], 'resources': resources}
        for rp, resources in allocations.items()}}
    if req.version >= (1, 12) and consumer is not None:
        body['project_id'] = consumer['project_id']
        body['user_id'] = consumer['user_id']
    if req.version >= (1, 28) and consumer is not None:
        body['consumer_generation'] = consumer['generation']
    if req.version >= (1, 38) and consumer is not None:
        body['consumer_type'] = consumer['consumer_type'] or 'unknown'
    return body


def list_for_consumer(req, consumer_uuid):
    req.can('placement:allocations:list')
    generations = {}
    allocations, consumer = req.read(lambda s: alloc_store.by_consumer(
        s, consumer_uuid, generations))
    return wsgi.json_response(
        req, consumer_view(req, allocations, generations, consumer))


def claim_from_body(req, consumer_uuid, body):
    """A store Claim from one consumer's PUT/POST body at req.version."""
    allocations = body['allocations']
    if isinstance(allocations, list):  # before 1.12
        wanted = {}
        for item in allocations:
            wanted.setdefault(item['resource_provider']['uuid'], {}).update(
                item['resources'])
    else:
        wanted = {rp: item['resources'] for rp, item in allocations.items()}
    generation = alloc_store.ANY
    if req.version >= (1, 28):
        generation = body['consumer_generation']
    return alloc_store.Claim(
        consumer_uuid=consumer_uuid, allocations=wanted,
        project_id=body.get('project_id', INCOMPLETE_CONSUMER_ID),
        user_id=body.get('user_id', INCOMPLETE_CONSUMER_ID),
        consumer_generation=generation,
        consumer_type=body.get('consumer_type'))


def write(req, claims):
    """Write claims all or nothing, retried on lost races."""
    req.write(lambda s: alloc_store.write_claims(s, claims,
                                                 all_or_nothing=True))


def set_for_consumer(req, consumer_uuid):
    req.can('placement:allocations:update')
    _check_uuid(consumer_uuid)
    body = req.validated_body(schema.put(req.version))
    write(req, [claim_from_body(req, consumer_uuid, body)])
    return wsgi.no_content()


def set_many(req):
    req.can('placement:allocations:manage')
    body = req.validated_body(schema.post(req.version))
    write(req, [claim_from_body(req, consumer, one)
                for consumer, one in sorted(body.items())])
    return wsgi.no_content()


def delete_for_consumer(req, consumer_uuid):
    req.can('placement:allocations:delete')

    def delete(session):
        allocations, _ = alloc_store.by_consumer(session, consumer_uuid)
        if not allocations:
            raise NoAllocations(consumer=consumer_uuid)
        alloc_store.delete_consumers(session, [consumer_uuid])
    req.write(delete)
    return wsgi.no_content()


def list_for_provider(req, uuid):
    req.can('placement:resource_providers:allocations:list')

    def read(session):
        provider = rp_store.get_or_raise(session, uuid)
        return provider, alloc_store.on_provider(session, provider['id'])
    provider, allocations = req.read(read)
    return wsgi.json_response(req, {
        'resource_provider_generation': provider['generation'],
        'allocations': {consumer: {'resources': resources}
                        for consumer, resources in allocations.items()}},
        last_modified=wsgi.latest(provider))
