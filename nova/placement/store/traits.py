"""Traits: os-traits' standard set (synced into ``traits`` on first use
of a database) plus CUSTOM_*, and the traits of each provider."""
import os_traits
import sqlalchemy as sa

from nova import exception
from nova.placement.store import tables as t



def sync_standard(connection):
    """Insert os-traits' names missing from the table (run once per
    database by ``tables.Database`` before its first transaction)."""
    known = set(connection.execute(sa.select(t.TRAITS.c.name)).scalars())
    now = t.now()
    t.insert_ignoring_duplicates(connection, t.TRAITS, [
        {'name': name, 'created_at': now}
        for name in os_traits.get_traits() if name not in known])


def ids_for(session, names):
    """{name: id}; TraitNotFound naming every unknown trait."""
    names = set(names)
    if not names:
        return {}
    found = dict(session.execute(
        sa.select(t.TRAITS.c.name, t.TRAITS.c.id).where(
            t.TRAITS.c.name.in_(names))).all())
    missing = names - set(found)
    if missing:
        raise exception.TraitNotFound(names=', '.join(sorted(missing)))
    return found


def list_names(session, prefix=None, in_names=None, associated=None):
    """Trait names, filtered like GET /traits: ``startswith:`` prefix,
    ``in:`` names, and whether any provider has the trait."""
    query = sa.select(t.TRAITS.c.name)
    if prefix:
        query = query.where(t.TRAITS.c.name.startswith(prefix,
                                                       autoescape=True))
    if in_names is not None:
        query = query.where(t.TRAITS.c.name.in_(set(in_names)))
    if associated is not None:
        used = sa.select(t.PROVIDER_TRAITS.c.trait_id)
        query = query.where(t.TRAITS.c.id.in_(used) if associated
                            else t.TRAITS.c.id.not_in(used))
    return sorted(session.execute(query).scalars())


def exists(session, name):
    return session.execute(sa.select(t.TRAITS.c.id).where(
        t.TRAITS.c.name == name)).first() is not None


def create(session, name):
    """Create CUSTOM_* trait name; True if created, False if it existed."""
    if exists(session, name):
        return False
    t.insert_ignoring_duplicates(session, t.TRAITS, [
        {'name': name, 'created_at': t.now()}])
    return True


def ensure_custom(session, names):
    """Create the CUSTOM_* names that are missing."""
    custom = [n for n in names if os_traits.is_custom(n)]
    if not custom:
        return
    known = set(session.execute(sa.select(t.TRAITS.c.name).where(
        t.TRAITS.c.name.in_(custom))).scalars())
    now = t.now()
    t.insert_ignoring_duplicates(session, t.TRAITS, [
        {'name': n, 'created_at': now} for n in custom if n not in known])


def delete(session, name):
    if not os_traits.is_custom(name):
        raise exception.TraitCannotDeleteStandard(name=name)
    trait_id = ids_for(session, [name])[name]
    in_use = session.execute(sa.select(t.PROVIDER_TRAITS.c.trait_id).where(
        t.PROVIDER_TRAITS.c.trait_id == trait_id).limit(1)).first()
    if in_use:
        raise exception.TraitInUse(name=name)
    session.execute(t.TRAITS.delete().where(t.TRAITS.c.id == trait_id))


def of_providers(session, provider_ids):
    """{provider id: set of trait names} for the given providers."""
    result = {pid: set() for pid in provider_ids}
    for chunk in t.chunks(provider_ids):
        rows = session.execute(
            sa.select(t.PROVIDER_TRAITS.c.resource_provider_id,
                      t.TRAITS.c.name).join(
                t.TRAITS, t.TRAITS.c.id == t.PROVIDER_TRAITS.c.trait_id)
            .where(t.PROVIDER_TRAITS.c.resource_provider_id.in_(chunk)))
        for pid, name in rows:
            result[pid].add(name)
    return result


def of_provider(session, provider_id):
    return of_providers(session, [provider_id])[provider_id]


def replace(session, provider_id, names):
    """Make the provider's traits exactly names (which must exist).
    Returns True if anything changed."""
    wanted = ids_for(session, names)
    current = dict(session.execute(
        sa.select(t.TRAITS.c.name, t.TRAITS.c.id).join(
            t.PROVIDER_TRAITS,
            t.TRAITS.c.id == t.PROVIDER_TRAITS.c.trait_id).where(
            t.PROVIDER_TRAITS.c.resource_provider_id == provider_id)).all())
    to_remove = [tid for name, tid in current.items() if name not in wanted]
    to_add = [tid for name, tid in wanted.items() if name not in current]
    if to_remove:
        session.execute(t.PROVIDER_TRAITS.delete().where(
            t.PROVIDER_TRAITS.c.resource_provider_id == provider_id,
            t.PROVIDER_TRAITS.c.trait_id.in_(to_remove)))
    if to_add:
        now = t.now()
        session.execute(t.PROVIDER_TRAITS.insert(), [
            {'resource_provider_id': provider_id, 'trait_id': tid,
             'created_at': now} for tid in to_add])
    return bool(to_remove or to_add)
