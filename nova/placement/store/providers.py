"""Resource providers: rows, trees (parent and root), generations, lists.

A provider is returned as a dict: id, uuid, name, generation, parent_id,
root_id, parent_uuid, root_uuid, created_at, updated_at.
"""
from oslo_db import exception as db_exc
import sqlalchemy as sa

from nova import exception
from nova.placement.store import tables as t

_RP = t.PROVIDERS
_PARENT = _RP.alias('parent')
_ROOT = _RP.alias('root')

_SELECT = sa.select(
    _RP.c.id, _RP.c.uuid, _RP.c.name, _RP.c.generation,
    _RP.c.parent_provider_id.label('parent_id'),
    _RP.c.root_provider_id.label('root_id'),
    _PARENT.c.uuid.label('parent_uuid'), _ROOT.c.uuid.label('root_uuid'),
    _RP.c.created_at, _RP.c.updated_at,
).select_from(
    _RP.outerjoin(_PARENT, _PARENT.c.id == _RP.c.parent_provider_id)
    .outerjoin(_ROOT, _ROOT.c.id == _RP.c.root_provider_id))


def _rows(session, query, params=None):
    return [dict(row._mapping) for row in session.execute(query, params)]


# Built once with bound parameters: every claim and provider sync runs
# them, and building a statement (and its cache key) cost more than
# running it.
_BY_UUID = _SELECT.where(_RP.c.uuid == sa.bindparam('uuid'))
_BY_UUIDS = _SELECT.where(_RP.c.uuid.in_(sa.bindparam('uuids',
                                                      expanding=True)))


def get(session, uuid):
    """The provider with this uuid, or None."""
    rows = _rows(session, _BY_UUID, {'uuid': uuid})
    return rows[0] if rows else None


def get_or_raise(session, uuid):
    provider = get(session, uuid)
    if provider is None:
        raise exception.ResourceProviderNotFound(uuid=uuid)
    return provider


def get_many(session, uuids):
    """{uuid: provider} for those of uuids that exist."""
    found = {}
    for chunk in t.chunks(uuids):
        for row in _rows(session, _BY_UUIDS, {'uuids': chunk}):
            found[row['uuid']] = row
    return found


def by_names(session, names):
    """{name: uuid} for those of names that exist."""
    result = {}
    for chunk in t.chunks(names):
        result.update(session.execute(sa.select(_RP.c.name, _RP.c.uuid)
                                      .where(_RP.c.name.in_(chunk))).all())
    return result


def _check_unique(session, uuid=None, name=None, exclude_id=None):
    for field, value in (('uuid', uuid), ('name', name)):
        if value is None:
            continue
        query = sa.select(_RP.c.id).where(_RP.c[field] == value)
        if exclude_id is not None:
            query = query.where(_RP.c.id != exclude_id)
        if session.execute(query).first():
            raise exception.ResourceProviderExists(field=field, value=value)


def _parent(session, parent_uuid):
    parent = get(session, parent_uuid)
    if parent is None:
        raise exception.Invalid(
            reason='parent provider UUID %s does not exist' % parent_uuid)
    return parent


def create(session, uuid, name, parent_uuid=None):
    """Insert a provider (a root unless parent_uuid is given)."""
    _check_unique(session, uuid=uuid, name=name)
    parent = _parent(session, parent_uuid) if parent_uuid else None
    try:
        new_id = session.execute(_RP.insert().values(
            uuid=uuid, name=name, generation=0, created_at=t.now(),
            parent_provider_id=parent['id'] if parent else None,
            root_provider_id=parent['root_id'] if parent else None,
        )).inserted_primary_key[0]
    except db_exc.DBDuplicateEntry as e:
        # Another writer created it between our check and our insert.
        field = 'name' if 'name' in (e.columns or ['name']) else 'uuid'
        raise exception.ResourceProviderExists(
            field=field, value=name if field == 'name' else uuid)
    if parent is None:
        session.execute(_RP.update().where(_RP.c.id == new_id)
                        .values(root_provider_id=new_id))
    return get(session, uuid)


def descendant_ids(session, provider_id):
    """Ids of every provider below provider_id in its tree."""
    found, frontier = set(), {provider_id}
    while frontier:
        children = set(session.execute(sa.select(_RP.c.id).where(
            _RP.c.parent_provider_id.in_(frontier))).scalars())
        frontier = children - found
        found |= children
    return found


def update(session, provider, name, parent_uuid, allow_reparent):
    """Rename and/or re-parent a provider.

    Before microversion 1.37 (allow_reparent False) a parent may only be
    set on a provider that has none; from 1.37 a provider may move under
    any provider outside its own subtree, or become a root.
    """
    _check_unique(session, name=name, exclude_id=provider['id'])
    values = {'name': name, 'updated_at': t.now()}
    if parent_uuid != provider['parent_uuid']:
        values.update(_reparent(session, provider, parent_uuid,
                                allow_reparent))
    session.execute(_RP.update().where(_RP.c.id == provider['id'])
                    .values(**values))
    return get(session, provider['uuid'])


def _reparent(session, provider, parent_uuid, allow_reparent):
    if not allow_reparent and provider['parent_uuid'] is not None:
        reason = ('re-parenting a provider is not currently allowed.'
                  if parent_uuid else
                  'un-parenting a provider is not currently allowed.')
        raise exception.Invalid(reason=reason)
    if parent_uuid is None:
        new_root = provider['id']
        parent_id = None
    else:
        parent = _parent(session, parent_uuid)
        below = descendant_ids(session, provider['id'])
        if parent['id'] == provider['id'] or parent['id'] in below:
            raise exception.Invalid(
                reason='creating loop in the provider tree is not allowed.')
        new_root, parent_id = parent['root_id'], parent['id']
    subtree = descendant_ids(session, provider['id']) | {provider['id']}
    for chunk in t.chunks(subtree):
        session.execute(_RP.update().where(_RP.c.id.in_(chunk))
                        .values(root_provider_id=new_root))
    return {'parent_provider_id': parent_id}


def delete(session, provider):
    """Delete a provider with no allocations and no children."""
    pid = provider['id']
    if session.execute(sa.select(t.ALLOCATIONS.c.id).where(
            t.ALLOCATIONS.c.resource_provider_id == pid).limit(1)).first():
        raise exception.ResourceProviderInUse(uuid=provider['uuid'])
    if session.execute(sa.select(_RP.c.id).where(
            _RP.c.parent_provider_id == pid).limit(1)).first():
        raise exception.CannotDeleteParentResourceProvider(
            uuid=provider['uuid'])
    for table in (t.INVENTORIES, t.PROVIDER_TRAITS, t.PROVIDER_AGGREGATES):
        session.execute(table.delete().where(
            table.c.resource_provider_id == pid))
    # A root's root_provider_id points at itself.
    session.execute(_RP.update().where(_RP.c.id == pid)
                    .values(root_provider_id=None))
    session.execute(_RP.delete().where(_RP.c.id == pid))


def delete_tree(session, root_uuid):
    """Delete a provider and every provider below it, leaves first, each
    with delete()'s checks (ResourceProviderInUse for one with
    allocations). A provider placement never heard of is nothing to do.
    """
    root = get(session, root_uuid)
    if root is None:
        return
    levels = [[root['id']]]
    while True:
        below = session.execute(sa.select(_RP.c.id).where(
            _RP.c.parent_provider_id.in_(levels[-1]))).scalars().all()
        if not below:
            break
        levels.append(below)
    ids = [pid for level in reversed(levels) for pid in level]
    uuids = dict(session.execute(sa.select(_RP.c.id, _RP.c.uuid).where(
        _RP.c.id.in_(ids))).all())
    for pid in ids:
        delete(session, get(session, uuids[pid]))


# The compare-and-swaps of bump_generation(s), built once.
_BUMP = _RP.update().where(
    _RP.c.id == sa.bindparam('w_id'),
    _RP.c.generation == sa.bindparam('w_generation')).values(
    generation=sa.bindparam('new_generation'), updated_at=sa.bindparam('now'))
_BUMP_MANY = _RP.update().where(
    sa.tuple_(_RP.c.id, _RP.c.generation).in_(
        sa.bindparam('pairs', expanding=True))).values(
    generation=_RP.c.generation + 1, updated_at=sa.bindparam('now'))


def bump_generation(session, provider, expected=None):
    """Increment the provider's generation, refusing if it moved on.

    ``expected`` defaults to the generation read into ``provider``. The
    provider dict is updated in place; the new generation is returned.
    """
    expected = provider['generation'] if expected is None else expected
    result = session.execute(_BUMP, {
        'w_id': provider['id'], 'w_generation': expected,
        'new_generation': expected + 1, 'now': t.now()})
    if result.rowcount != 1:
        raise t.Raced(
            reason='resource provider %s changed concurrently; expected '
                   'generation %s' % (provider['uuid'], expected))
    provider['generation'] = expected + 1
    return expected + 1


def bump_generations(session, providers):
    """bump_generation for many providers in one statement per chunk
    (a compare-and-swap on every (id, generation) pair)."""
    providers = sorted(providers, key=lambda p: p['id'])
    if len(providers) == 1:
        bump_generation(session, providers[0])
        return
    for chunk in t.chunks(providers):
        pairs = [(p['id'], p['generation']) for p in chunk]
        result = session.execute(_BUMP_MANY, {'pairs': pairs,
                                              'now': t.now()})
        if result.rowcount != len(chunk):
            raise t.Raced(reason='a resource provider changed concurrently')
        for provider in chunk:
            provider['generation'] += 1


def check_generation(provider, generation):
    """409 when a client's generation is not the provider's."""
    if generation != provider['generation']:
        raise exception.ResourceProviderGenerationConflict(
            reason='resource provider %s has generation %s, the request '
                   'gave %s' % (provider['uuid'], provider['generation'],
                                generation))
