"""Placement in-process: the interface the scheduler, conductor and
nova-manage call, with no HTTP. The REST handlers use the same store
functions, so both paths behave alike.

Signatures (ctx is a nova.context.RequestContext; classes and traits are
names; amounts are ints)::

    p = Placement(conf)                        # uses conf.api_database
    p.ensure_provider(ctx, uuid, name, parent_uuid=None) -> provider
    p.get_provider(ctx, uuid) -> provider | None
        # provider: dict(uuid, name, generation, parent_uuid, root_uuid)
    p.delete_provider(ctx, uuid)       # ResourceProviderInUse (409) if it
                                       # has allocations; no-op if missing
    p.sync_provider(ctx, uuid, name, inventories, traits,
                    parent_uuid=None) -> generation
        # inventories {rc: {total, reserved, min_unit, max_unit, step_size,
        # allocation_ratio}} (all but total optional); traits: names,
        # missing CUSTOM_* traits and classes are created. One
        # transaction; nothing written when nothing changed.
    p.providers_by_name(ctx, names) -> {name: uuid}
    p.set_aggregates(ctx, uuid, aggregate_uuids)
    p.add_to_aggregate(ctx, uuid, aggregate_uuid)
    p.remove_from_aggregate(ctx, uuid, aggregate_uuid)
    p.get_aggregates(ctx, uuid) -> set of aggregate uuids
    p.get_candidates(ctx, request) -> nova.placement.candidates.get(...)
    p.claim(ctx, consumer_uuid, allocations, project_id, user_id,
            consumer_generation=None, consumer_type='INSTANCE')
        # allocations {rp_uuid: {rc: amount}} (0 amounts ignored) replace
        # the consumer's; consumer_generation None = not checked, else
        # must equal the consumer's (a new consumer has none: pass
        # NEW_CONSUMER to require that). Raises nova.exception's
        # InsufficientResources, ConsumerGenerationConflict (409s),
        # Invalid (unknown provider).
    p.claim_many(ctx, claims) -> [(consumer_uuid, None | error message)]
        # claims: dicts of claim()'s keyword arguments; one transaction
    p.get_allocations(ctx, consumer_uuid) -> dict(allocations={rp: {rc: n}},
          consumer_generation, project_id, user_id, consumer_type)
    p.allocations_on_provider(ctx, rp_uuid) -> {consumer_uuid: {rc: n}}
    p.move_allocations(ctx, source_consumer_uuid, target_consumer_uuid,
                       consumer_type=None)
        # one transaction; the target keeps its type, or takes
        # consumer_type (else the source's) when new, e.g. 'MIGRATION'
    p.delete_allocations(ctx, consumer_uuids)   # unknown ones ignored
    p.usages(ctx, project_id, user_id=None) -> {rc: amount}
    p.consumers(ctx) -> set of consumer uuids with allocations
"""
from nova.placement.store import aggregates as agg_store
from nova.placement.store import allocations as alloc_store
from nova.placement.store import inventories as inv_store
from nova.placement.store import providers as rp_store
from nova.placement.store import resource_classes
from nova.placement.store import tables
from nova.placement.store import traits as trait_store
from nova.placement.store import usages as usage_store

NEW_CONSUMER = object()  # claim(): the consumer must not exist yet
_PUBLIC = ('uuid', 'name', 'generation', 'parent_uuid', 'root_uuid')


def public_view(provider):
    return {k: provider[k] for k in _PUBLIC} if provider else None


def _generation_arg(value):
    if value is NEW_CONSUMER:
        return None
    return alloc_store.ANY if value is None else value


class Placement:
    """Placement on the API database named by ``conf.api_database``."""

    def __init__(self, conf, db=None):
        self.conf = conf
        # The URL is read on use: embedded setups set it after building
        # services from the conf.
        self.db = db or tables.Database(
            lambda: conf.api_database.connection)

    # Providers ---------------------------------------------------------

    @tables.retry_on_contention
    def ensure_provider(self, ctx, uuid, name, parent_uuid=None):
        """The provider uuid, created (with name and parent) if missing."""
        with self.db.writer(ctx) as session:
            return public_view(self._ensure(session, uuid, name,
                                            parent_uuid))

    @staticmethod
    def _ensure(session, uuid, name, parent_uuid):
        provider = rp_store.get(session, uuid)
        if provider is None:
            provider = rp_store.create(session, uuid, name, parent_uuid)
        return provider

    def get_provider(self, ctx, uuid):
        with self.db.reader(ctx) as session:
            return public_view(rp_store.get(session, uuid))

    @tables.retry_on_contention
    def delete_provider(self, ctx, uuid):
        with self.db.writer(ctx) as session:
            provider = rp_store.get(session, uuid)
            if provider is not None:
                rp_store.delete(session, provider)

    @tables.retry_on_contention
    def sync_provider(self, ctx, uuid, name, inventories, traits,
                      parent_uuid=None):
        """Create or update a provider's name, inventories and traits."""
        normalized = {rc: inv_store.normalize(rc, fields)
                      for rc, fields in inventories.items()}
        with self.db.writer(ctx) as session:
            provider = self._ensure(session, uuid, name, parent_uuid)
            if provider['name'] != name:
                provider = rp_store.update(session, provider, name,
                                           provider['parent_uuid'], True)
            resource_classes.ensure_all(session, normalized)
            trait_store.ensure_custom(session, traits)
            changed = inv_store.replace(session, provider, normalized)
            changed = trait_store.replace(session, provider['id'],
                                          traits) or changed
            if changed:
                rp_store.bump_generation(session, provider)
            return provider['generation']

    def providers_by_name(self, ctx, names):
        with self.db.reader(ctx) as session:
            return rp_store.by_names(session, list(names))

    # Aggregates --------------------------------------------------------

    def get_aggregates(self, ctx, uuid):
        with self.db.reader(ctx) as session:
            provider = rp_store.get_or_raise(session, uuid)
            return agg_store.of_provider(session, provider['id'])

    @tables.retry_on_contention
    def _change_aggregates(self, ctx, uuid, change):
        with self.db.writer(ctx) as session:
            provider = rp_store.get_or_raise(session, uuid)
            current = agg_store.of_provider(session, provider['id'])
            if agg_store.replace(session, provider['id'], change(current)):
                rp_store.bump_generation(session, provider)

    def set_aggregates(self, ctx, uuid, aggregate_uuids):
        self._change_aggregates(ctx, uuid, lambda _: set(aggregate_uuids))

    def add_to_aggregate(self, ctx, uuid, aggregate_uuid):
        self._change_aggregates(ctx, uuid, lambda cur: cur | {aggregate_uuid})

    def remove_from_aggregate(self, ctx, uuid, aggregate_uuid):
        self._change_aggregates(ctx, uuid, lambda cur: cur - {aggregate_uuid})

    # Candidates --------------------------------------------------------

    def get_candidates(self, ctx, request):
        """Allocation candidates (engineer 2's nova.placement.candidates)."""
        from nova.placement import candidates
        return candidates.get(
            ctx, request, db=self.db,
            randomize=self.conf.placement.randomize_allocation_candidates)

    # Allocations -------------------------------------------------------

    def claim(self, ctx, consumer_uuid, allocations, project_id, user_id,
              consumer_generation=None, consumer_type='INSTANCE'):
        """Replace consumer_uuid's allocations, atomically, or raise."""
        claim = self._claims(ctx, [dict(
            consumer_uuid=consumer_uuid, allocations=allocations,
            project_id=project_id, user_id=user_id,
            consumer_generation=consumer_generation,
            consumer_type=consumer_type)])[0]
        if claim.error is not None:
            raise claim.error

    def claim_many(self, ctx, claims):
        """Write many claims in one transaction; refused ones write
        nothing. Returns [(consumer_uuid, None or the refusal message)]."""
        return [(c.consumer_uuid,
                 c.error.format_message() if c.error is not None else None)
                for c in self._claims(ctx, claims)]

    @tables.retry_on_contention
    def _claims(self, ctx, claims):
        batch = [alloc_store.Claim(
            consumer_uuid=c['consumer_uuid'],
            allocations=c['allocations'], project_id=c['project_id'],
            user_id=c['user_id'],
            consumer_generation=_generation_arg(
                c.get('consumer_generation')),
            consumer_type=c.get('consumer_type', 'INSTANCE'))
            for c in claims]
        with self.db.writer(ctx) as session:
            return alloc_store.write_claims(session, batch)

    def get_allocations(self, ctx, consumer_uuid):
        with self.db.reader(ctx) as session:
            allocations, consumer = alloc_store.by_consumer(session,
                                                            consumer_uuid)
        consumer = consumer or {}
        return {'allocations': allocations,
                'consumer_generation': consumer.get('generation'),
                'project_id': consumer.get('project_id'),
                'user_id': consumer.get('user_id'),
                'consumer_type': consumer.get('consumer_type')}

    def allocations_on_provider(self, ctx, rp_uuid):
        with self.db.reader(ctx) as session:
            provider = rp_store.get_or_raise(session, rp_uuid)
            return alloc_store.on_provider(session, provider['id'])

    @tables.retry_on_contention
    def move_allocations(self, ctx, source_consumer_uuid,
                         target_consumer_uuid, consumer_type=None):
        """Give the source's allocations to the target (replacing the
        target's) and leave the source with none, in one transaction.
        The target keeps its consumer type, or takes consumer_type (or
        the source's) when new."""
        with self.db.writer(ctx) as session:
            allocations, source = alloc_store.by_consumer(
                session, source_consumer_uuid)
            if source is None:
                return
            target = alloc_store.consumer_rows(
                session, [target_consumer_uuid]).get(target_consumer_uuid)
            ctype = ((target or {}).get('consumer_type') or consumer_type
                     or source['consumer_type'])
            claims = [
                alloc_store.Claim(source_consumer_uuid, {},
                                  source['project_id'], source['user_id']),
                alloc_store.Claim(target_consumer_uuid, allocations,
                                  source['project_id'], source['user_id'],
                                  consumer_type=ctype)]
            for claim in alloc_store.write_claims(session, claims):
                if claim.error is not None:
                    raise claim.error

    @tables.retry_on_contention
    def delete_allocations(self, ctx, consumer_uuids):
        if isinstance(consumer_uuids, str):
            consumer_uuids = [consumer_uuids]
        with self.db.writer(ctx) as session:
            alloc_store.delete_consumers(session, list(consumer_uuids))

    def usages(self, ctx, project_id, user_id=None):
        with self.db.reader(ctx) as session:
            return usage_store.of_project(session, project_id, user_id)

    def consumers(self, ctx):
        with self.db.reader(ctx) as session:
            return alloc_store.all_consumers(session)

