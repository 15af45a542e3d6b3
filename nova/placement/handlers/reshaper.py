"""POST /reshaper (1.30): move inventories and allocations atomically,
e.g. when a compute host moves VGPU inventory from its root provider to
child providers along with the allocations against it."""
from nova import exception
from nova.placement.handlers import allocation
from nova.placement.schemas import reshaper as schema
from nova.placement.store import allocations as alloc_store
from nova.placement.store import inventories as inv_store
from nova.placement.store import providers as rp_store
from nova.placement.store import resource_classes
from nova.placement import wsgi


def _set_inventories(session, req, inventories):
    for uuid, body in sorted(inventories.items()):
        provider = rp_store.get(session, uuid)
        if provider is None:
            raise exception.Invalid(
                reason='Resource provider %s in inventories not found'
                       % uuid)
        rp_store.check_generation(provider,
                                  body['resource_provider_generation'])
        wanted = {rc: inv_store.normalize(
            rc, fields, reserved_can_be_total=True)
            for rc, fields in body['inventories'].items()}
        for rc in wanted:
            if not resource_classes.exists(session, rc):
                raise exception.Invalid(
                    reason='Unknown resource class in inventory: %s' % rc)
        if inv_store.replace(session, provider, wanted):
            rp_store.bump_generation(session, provider)


def reshape(req):
    req.can('placement:reshaper:reshape')
    body = req.validated_body(schema.post(req.version))
    claims = [allocation.claim_from_body(req, consumer, one)
              for consumer, one in sorted(body['allocations'].items())]

    def write(session):
        # The consumers' old allocations go first, so that inventory they
        # held can move; their new ones are checked against the new
        # inventory at the end, all in this one transaction.
        alloc_store.clear(session, [c.consumer_uuid for c in claims])
        _set_inventories(session, req, body['inventories'])
        alloc_store.write_claims(session, claims, all_or_nothing=True)
    req.write(write)
    return wsgi.no_content()
