"""Resource classes: os-resource-classes' standard list plus CUSTOM_*.

Standard classes are not rows: a standard class's id is its index in
``os_resource_classes.STANDARDS``. Custom classes are rows of
``resource_classes`` with ids from 10000 up. Name/id lookups are cached per
database engine and refreshed on a miss, so a class created by another
process is found on first use.
"""
import threading

import os_resource_classes as orc
import sqlalchemy as sa

from nova import exception
from nova.placement.store import tables as t

CUSTOM_ID_START = 10000
STANDARD_IDS = {name: index for index, name in enumerate(orc.STANDARDS)}

_LOCK = threading.Lock()
_CUSTOM = {}  # engine -> {name: id}


def _custom(session, refresh=False):
    engine = session.get_bind()
    with _LOCK:
        cached = _CUSTOM.get(engine)
    if cached is None or refresh:
        rows = session.execute(sa.select(t.RESOURCE_CLASSES.c.name,
                                         t.RESOURCE_CLASSES.c.id))
        cached = {name: id_ for name, id_ in rows}
        with _LOCK:
            _CUSTOM[engine] = cached
    return cached


def forget(session):
    """Drop this engine's cache (after a write that changes classes)."""
    with _LOCK:
        _CUSTOM.pop(session.get_bind(), None)


def id_for(session, name):
    """The id of a class name; ResourceClassNotFound if it is unknown."""
    if name in STANDARD_IDS:
        return STANDARD_IDS[name]
    custom = _custom(session)
    if name not in custom:
        custom = _custom(session, refresh=True)
    try:
        return custom[name]
    except KeyError:
        raise exception.ResourceClassNotFound(name=name)


def ids_for(session, names):
    """{name: id} for several names; ResourceClassNotFound for the first
    unknown one."""
    return {name: id_for(session, name) for name in names}


def name_for(session, id_):
    if id_ < CUSTOM_ID_START:
        return orc.STANDARDS[id_]
    by_id = {v: k for k, v in _custom(session).items()}
    if id_ not in by_id:
        by_id = {v: k for k, v in _custom(session, refresh=True).items()}
    return by_id[id_]


class _Names(dict):
    """{id: name} that reloads custom classes on an unknown id."""

    def __init__(self, session):
        super().__init__(enumerate(orc.STANDARDS))
        self.update({v: k for k, v in _custom(session).items()})
        self._session = session

    def __missing__(self, id_):
        self.update({v: k for k, v in _custom(self._session,
                                              refresh=True).items()})
        return dict.__getitem__(self, id_)


def names_by_id(session):
    """{id: name} of every class (for building many views at once)."""
    return _Names(session)


def list_all(session):
    """Every class name: standard ones first, then custom ones by id."""
    custom = _custom(session, refresh=True)
    return list(orc.STANDARDS) + sorted(custom, key=custom.get)


def exists(session, name):
    try:
        id_for(session, name)
    except exception.ResourceClassNotFound:
        return False
    return True


def _check_custom(name):
    if not orc.is_custom(name):
        raise exception.ResourceClassCannotChangeStandard(name=name)


def create(session, name):
    """Add CUSTOM_* class name; ResourceClassExists if it exists."""
    if exists(session, name):
        raise exception.ResourceClassExists(name=name)
    _check_custom(name)
    table = t.RESOURCE_CLASSES
    next_id = max(CUSTOM_ID_START - 1, session.execute(
        sa.select(sa.func.max(table.c.id))).scalar() or 0) + 1
    t.insert_ignoring_duplicates(session, table, [
        {'id': next_id, 'name': name, 'created_at': t.now()}])
    forget(session)
    return id_for(session, name)


def ensure(session, name):
    """Create the class if missing; True if this call created it."""
    if exists(session, name):
        return False
    create(session, name)
    return True


def ensure_all(session, names):
    for name in names:
        if orc.is_custom(name):
            ensure(session, name)


def _in_use(session, id_):
    return session.execute(
        sa.select(t.INVENTORIES.c.id).where(
            t.INVENTORIES.c.resource_class_id == id_).limit(1)).first() \
        is not None


def delete(session, name):
    id_ = id_for(session, name)
    _check_custom(name)
    if _in_use(session, id_):
        raise exception.ResourceClassInUse(name=name)
    session.execute(t.RESOURCE_CLASSES.delete().where(
        t.RESOURCE_CLASSES.c.id == id_))
    forget(session)


def rename(session, old, new):
    """Rename custom class old to new (microversions 1.2-1.6)."""
    id_ = id_for(session, old)
    _check_custom(old)
    _check_custom(new)
    if exists(session, new):
        raise exception.ResourceClassExists(name=new)
    session.execute(t.RESOURCE_CLASSES.update().where(
        t.RESOURCE_CLASSES.c.id == id_).values(name=new,
                                               updated_at=t.now()))
    forget(session)
