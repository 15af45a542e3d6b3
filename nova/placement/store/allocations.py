"""Allocations and consumers: atomic claims, in batches.

A claim replaces all of one consumer's allocations. A batch of claims is
checked and written in one transaction with a fixed number of queries
whatever its size: providers, consumers, their current allocations,
inventories and usages are read in bulk, capacity is checked in memory
(claims earlier in the batch count against later ones), and the writes
are bulk statements. Every provider whose allocations change has its
generation bumped with a compare-and-swap, so a concurrent writer makes
the transaction fail and be retried instead of overcommitting.
"""
import collections
import dataclasses

from oslo_db import exception as db_exc
import sqlalchemy as sa

from nova import exception
from nova.placement.store import inventories as inv_store
from nova.placement.store import providers as rp_store
from nova.placement.store import resource_classes
from nova.placement.store import tables as t

ANY = object()   # consumer_generation not checked (in-process callers)
_ALLOC = t.ALLOCATIONS
_CONS = t.CONSUMERS


@dataclasses.dataclass
class Claim:
    """One consumer's wanted allocations: {rp uuid: {class: amount}}.

    consumer_generation: ANY (no check), None (the consumer must not
    exist yet) or the generation the caller last saw.
    """
    consumer_uuid: str
    allocations: dict
    project_id: str
    user_id: str
    consumer_generation: object = ANY
    consumer_type: str = None
    error: Exception = None


# The reads of a claim, built once with an expanding IN parameter: every
# boot's claim runs them, and building a statement (and its cache key)
# cost more than running it.
_CONSUMER_ROWS = sa.select(
    _CONS.c.id, _CONS.c.uuid, _CONS.c.generation,
    t.PROJECTS.c.external_id.label('project_id'),
    t.USERS.c.external_id.label('user_id'),
    t.CONSUMER_TYPES.c.name.label('consumer_type')).select_from(
    _CONS.join(t.PROJECTS, t.PROJECTS.c.id == _CONS.c.project_id)
    .join(t.USERS, t.USERS.c.id == _CONS.c.user_id)
    .outerjoin(t.CONSUMER_TYPES,
               t.CONSUMER_TYPES.c.id == _CONS.c.consumer_type_id)).where(
    _CONS.c.uuid.in_(sa.bindparam('uuids', expanding=True)))
_OF_CONSUMERS = sa.select(
    _ALLOC.c.consumer_id, _ALLOC.c.resource_provider_id,
    _ALLOC.c.resource_class_id, _ALLOC.c.used).where(
    _ALLOC.c.consumer_id.in_(sa.bindparam('uuids', expanding=True)))
_USAGE_OF = sa.select(
    _ALLOC.c.resource_provider_id, _ALLOC.c.resource_class_id,
    sa.func.sum(_ALLOC.c.used)).where(
    _ALLOC.c.resource_provider_id.in_(sa.bindparam('ids', expanding=True))
).group_by(_ALLOC.c.resource_provider_id, _ALLOC.c.resource_class_id)


def consumer_rows(session, consumer_uuids):
    """{uuid: consumer dict (id, generation, project, user, type)}."""
    found = {}
    for chunk in t.chunks(consumer_uuids):
        for row in session.execute(_CONSUMER_ROWS, {'uuids': chunk}):
            found[row.uuid] = dict(row._mapping)
    return found


def of_consumers(session, consumer_uuids):
    """{consumer uuid: {provider id: {class id: used}}}."""
    result = collections.defaultdict(lambda: collections.defaultdict(dict))
    for chunk in t.chunks(consumer_uuids):
        for consumer, pid, rc_id, used in session.execute(
                _OF_CONSUMERS, {'uuids': chunk}):
            result[consumer][pid][rc_id] = used
    return result


def usage_of(session, provider_ids):
    """{(provider id, class id): total used}."""
    usage = {}
    for chunk in t.chunks(provider_ids):
        for pid, rc_id, used in session.execute(_USAGE_OF, {'ids': chunk}):
            usage[(pid, rc_id)] = int(used)
    return usage


class _Batch:
    """What one transaction needs to check and write a list of claims."""

    def __init__(self, session, claims):
        self.session = session
        self.claims = claims
        uuids = {rp for c in claims for rp in c.allocations}
        self.providers = rp_store.get_many(session, uuids)
        self.consumers = consumer_rows(session,
                                       [c.consumer_uuid for c in claims])
        self.existing = of_consumers(session, list(self.consumers))
        pids = {p['id'] for p in self.providers.values()} | {
            pid for allocs in self.existing.values() for pid in allocs}
        self.inventories = inv_store.of_providers(session, list(pids))
        self.usage = usage_of(session, list(pids))
        self.touched = set()
        self.rc_ids = {}

    def check(self, claim):
        """Resolve and check one claim; apply it to the in-memory usage.
        Raises the domain error that refuses it."""
        self._check_consumer(claim)
        wanted = {}
        for rp_uuid, resources in claim.allocations.items():
            provider = self.providers.get(rp_uuid)
            if provider is None:
                raise exception.Invalid(
                    reason="Allocation for resource provider '%s' that does "
                           "not exist." % rp_uuid)
            for rc, amount in resources.items():
                if amount:
                    self._check_amount(provider, rc, amount)
                    rc_id = self._rc_id(rc)
                    wanted[(provider['id'], rc_id)] = amount
        before = self.existing.get(claim.consumer_uuid, {})
        old = {(pid, rc_id): used for pid, by_rc in before.items()
               for rc_id, used in by_rc.items()}
        self._check_capacity(claim, wanted, old)
        for key, used in old.items():
            self.usage[key] = self.usage.get(key, 0) - used
        for key, amount in wanted.items():
            self.usage[key] = self.usage.get(key, 0) + amount
        self.touched |= {pid for pid, _ in wanted} | {pid for pid, _ in old}
        return wanted

    def _rc_id(self, rc):
        if rc not in self.rc_ids:
            self.rc_ids[rc] = resource_classes.id_for(self.session, rc)
        return self.rc_ids[rc]

    def _check_consumer(self, claim):
        expected = claim.consumer_generation
        if expected is ANY:
            return
        current = self.consumers.get(claim.consumer_uuid)
        if expected is None and current is not None:
            raise exception.ConsumerGenerationConflict(
                reason='expected null but got %s' % current['generation'])
        if expected is not None and current is None:
            raise exception.ConsumerGenerationConflict(
                reason='expected %s but consumer is new' % expected)
        if current is not None and expected != current['generation']:
            raise exception.ConsumerGenerationConflict(
                reason='expected %s but got %s' % (
                    expected, current['generation']))

    def _check_amount(self, provider, rc, amount):
        inv = self.inventories.get(provider['id'], {}).get(rc)
        if inv is None:
            raise exception.InsufficientResources(
                reason="Inventory for '%s' on resource provider '%s' "
                       "invalid." % (rc, provider['uuid']))
        if amount < inv['min_unit'] or amount > inv['max_unit'] or \
                amount % inv['step_size']:
            raise exception.InsufficientResources(
                reason="Allocation for %s on resource provider %s violates "
                       "min_unit, max_unit, or step_size. Requested: %s, "
                       "min_unit: %s, max_unit: %s, step_size: %s" % (
                           rc, provider['uuid'], amount, inv['min_unit'],
                           inv['max_unit'], inv['step_size']))

    def _check_capacity(self, claim, wanted, old):
        by_id = {p['id']: p for p in self.providers.values()}
        for (pid, rc_id), amount in wanted.items():
            used = self.usage.get((pid, rc_id), 0) - old.get((pid, rc_id), 0)
            provider = by_id[pid]
            rc = resource_classes.name_for(self.session, rc_id)
            cap = inv_store.capacity(self.inventories[pid][rc])
            if used + amount > cap:
                raise exception.InsufficientResources(
                    reason="Unable to create allocation for '%s' on "
                           "resource provider '%s'. The requested amount "
                           "would exceed the capacity (%d in use, %d "
                           "requested, capacity %d)." % (
                               rc, provider['uuid'], used, amount, cap))


def write_claims(session, claims, all_or_nothing=False):
    """Check and write claims (a list of :class:`Claim`) in the caller's
    writer transaction. A refused claim gets ``error`` set and writes
    nothing; the others are written (with all_or_nothing, the first
    refusal is raised and nothing is written). Returns the claims."""
    batch = _Batch(session, claims)
    accepted = {}
    for claim in claims:
        try:
            accepted[claim.consumer_uuid] = (claim, batch.check(claim))
        except (exception.Invalid, exception.Conflict,
                exception.NotFound) as e:
            if all_or_nothing:
                raise
            claim.error = e
    if accepted:
        _write(session, batch, accepted)
    return claims


def _write(session, batch, accepted):
    by_id = {p['id']: p for p in batch.providers.values()}
    missing = [pid for pid in batch.touched if pid not in by_id]
    if missing:
        with_uuid = session.execute(_UUIDS_OF_PROVIDERS,
                                    {'ids': missing}).scalars()
        by_id.update({p['id']: p for p in rp_store.get_many(
            session, list(with_uuid)).values()})
    rp_store.bump_generations(session, [by_id[pid] for pid in batch.touched])
    # Allocation rows exist only with their consumer row (both are written
    # and deleted together), so a consumer this transaction did not find
    # has none to replace: a first claim, most of them, skips the DELETE.
    # (One created meanwhile makes the consumer INSERT fail and the
    # transaction retry.)
    uuids = [u for u in accepted if u in batch.consumers]
    for chunk in t.chunks(uuids):
        session.execute(_DELETE_ALLOCATIONS, {'uuids': chunk})
    now = t.now()
    rows = [{'resource_provider_id': pid, 'resource_class_id': rc_id,
             'consumer_id': uuid, 'used': amount, 'created_at': now}
            for uuid, (_, wanted) in accepted.items()
            for (pid, rc_id), amount in wanted.items()]
    if rows:
        session.execute(_INSERT_ALLOCATIONS, rows)
    _save_consumers(session, batch.consumers, accepted)


# The other statements of a claim, built once (the DELETEs are
# delete_consumers').
_UUIDS_OF_PROVIDERS = sa.select(t.PROVIDERS.c.uuid).where(
    t.PROVIDERS.c.id.in_(sa.bindparam('ids', expanding=True)))
_INSERT_ALLOCATIONS = _ALLOC.insert()
_INSERT_CONSUMERS = _CONS.insert()
_UPDATE_CONSUMER = _CONS.update().where(
    _CONS.c.id == sa.bindparam('w_id'),
    _CONS.c.generation == sa.bindparam('w_generation'))


def _save_consumers(session, existing, accepted):
    gone = [u for u, (_, wanted) in accepted.items() if not wanted]
    for chunk in t.chunks(gone):
        session.execute(_DELETE_CONSUMERS, {'uuids': chunk})
    now = t.now()
    ids = {}
    new = []
    for uuid, (claim, wanted) in accepted.items():
        if not wanted:
            continue
        key = (claim.project_id, claim.user_id, claim.consumer_type)
        if key not in ids:
            ids[key] = _owner_ids(session, *key)
        project, user, ctype = ids[key]
        current = existing.get(uuid)
        if current is None:
            new.append({'uuid': uuid, 'project_id': project,
                        'user_id': user, 'consumer_type_id': ctype,
                        'generation': 1, 'created_at': now})
            continue
        values = {'project_id': project, 'user_id': user,
                  'generation': current['generation'] + 1,
                  'updated_at': now}
        if ctype is not None:
            values['consumer_type_id'] = ctype
        values.update(w_id=current['id'], w_generation=current['generation'])
        result = session.execute(_UPDATE_CONSUMER, values)
        if result.rowcount != 1:
            raise t.Raced('consumer %s changed concurrently' % uuid)
    if new:
        try:
            session.execute(_INSERT_CONSUMERS, new)
        except db_exc.DBDuplicateEntry:
            # A concurrent claim created the same consumer first: retry
            # the whole transaction, which then sees it.
            raise t.Raced('consumer created concurrently')


def _id_of(table, column, name):
    return sa.select(table.c.id).where(
        column == sa.bindparam(name)).scalar_subquery()


# The ids of a claim's project, user and consumer type in one query (built
# once: building a statement costs more than running this one).
_OWNER_IDS = sa.select(
    _id_of(t.PROJECTS, t.PROJECTS.c.external_id, 'project'),
    _id_of(t.USERS, t.USERS.c.external_id, 'user'),
    _id_of(t.CONSUMER_TYPES, t.CONSUMER_TYPES.c.name, 'ctype'))


def _owner_ids(session, project_id, user_id, consumer_type):
    """(project id, user id, consumer type id or None), each created when
    missing: one query when all exist, as they do but for a first claim."""
    found = session.execute(_OWNER_IDS, {
        'project': project_id, 'user': user_id,
        'ctype': consumer_type or ''}).one()
    ids = []
    for row_id, table, name in zip(
            found, (t.PROJECTS, t.USERS, t.CONSUMER_TYPES),
            (project_id, user_id, consumer_type)):
        if not name:
            row_id = None   # no consumer type asked for
        elif row_id is None:
            row_id = t.ensure_external_id(session, table, name)
        ids.append(row_id)
    return tuple(ids)


# The statements of delete_consumers, built once: every server delete
# runs them, and building them cost more than running them.
# The providers are found first, then bumped by id: an UPDATE with an IN
# subquery may scan every provider on MariaDB before 11.1.
_PROVIDERS_OF = sa.select(_ALLOC.c.resource_provider_id).distinct().where(
    _ALLOC.c.consumer_id.in_(sa.bindparam('uuids', expanding=True)))
_BUMP_PROVIDERS = t.PROVIDERS.update().where(
    t.PROVIDERS.c.id.in_(sa.bindparam('ids', expanding=True))).values(
    generation=t.PROVIDERS.c.generation + 1,
    updated_at=sa.bindparam('now'))
_DELETE_ALLOCATIONS = _ALLOC.delete().where(
    _ALLOC.c.consumer_id.in_(sa.bindparam('uuids', expanding=True)))
_DELETE_CONSUMERS = _CONS.delete().where(
    _CONS.c.uuid.in_(sa.bindparam('uuids', expanding=True)))


def delete_consumers(session, consumer_uuids):
    """Delete the allocations (and consumer rows) of consumer_uuids,
    bumping the generation of every provider they were on."""
    pids = set()
    for chunk in t.chunks(consumer_uuids):
        pids |= set(session.execute(_PROVIDERS_OF,
                                    {'uuids': chunk}).scalars())
    for chunk in t.chunks(sorted(pids)):
        session.execute(_BUMP_PROVIDERS, {'ids': chunk, 'now': t.now()})
    for chunk in t.chunks(consumer_uuids):
        session.execute(_DELETE_ALLOCATIONS, {'uuids': chunk})
        session.execute(_DELETE_CONSUMERS, {'uuids': chunk})


_OF_CONSUMER = sa.select(
    t.PROVIDERS.c.uuid, t.PROVIDERS.c.generation,
    _ALLOC.c.resource_class_id, _ALLOC.c.used).join(
    t.PROVIDERS, t.PROVIDERS.c.id == _ALLOC.c.resource_provider_id).where(
    _ALLOC.c.consumer_id == sa.bindparam('uuid'))


def by_consumer(session, consumer_uuid, generations=None):
    """({rp uuid: {class: used}}, consumer dict or None); fills
    generations ({rp uuid: provider generation}) when given."""
    consumer = consumer_rows(session, [consumer_uuid]).get(consumer_uuid)
    rows = session.execute(_OF_CONSUMER, {'uuid': consumer_uuid})
    names = resource_classes.names_by_id(session)
    allocations = collections.defaultdict(dict)
    for rp_uuid, generation, rc_id, used in rows:
        allocations[rp_uuid][names[rc_id]] = used
        if generations is not None:
            generations[rp_uuid] = generation
    return dict(allocations), consumer


def clear(session, consumer_uuids):
    """Drop the consumers' allocation rows only (the reshaper rewrites
    them in the same transaction, keeping the consumer records)."""
    for chunk in t.chunks(consumer_uuids):
        session.execute(_DELETE_ALLOCATIONS, {'uuids': chunk})


def on_provider(session, provider_id):
    """{consumer uuid: {class: used}} of one provider."""
    names = resource_classes.names_by_id(session)
    result = collections.defaultdict(dict)
    for consumer, rc_id, used in session.execute(sa.select(
            _ALLOC.c.consumer_id, _ALLOC.c.resource_class_id, _ALLOC.c.used)
            .where(_ALLOC.c.resource_provider_id == provider_id)):
        result[consumer][names[rc_id]] = used
    return dict(result)


def all_consumers(session):
    return set(session.execute(
        sa.select(_ALLOC.c.consumer_id).distinct()).scalars())
