"""Inventories: how much of each resource class a provider has.

Capacity of a class on a provider is ``(total - reserved) *
allocation_ratio``; an allocation must also respect min_unit, max_unit and
step_size.
"""
import sqlalchemy as sa

from nova import exception
from nova.placement.store import resource_classes
from nova.placement.store import tables as t

MAX_INT = 2147483647
FIELDS = ('total', 'reserved', 'min_unit', 'max_unit', 'step_size',
          'allocation_ratio')
DEFAULTS = {'reserved': 0, 'min_unit': 1, 'max_unit': MAX_INT,
            'step_size': 1, 'allocation_ratio': 1.0}

_INV = t.INVENTORIES


def _ratio(value):
    """allocation_ratio is a FLOAT column, single precision on MySQL: keep
    7 significant digits so that a value read back compares equal to the
    value written (an unchanged sync must write nothing)."""
    return float('%.7g' % value)


def capacity(inventory):
    return int((inventory['total'] - inventory['reserved'])
               * inventory['allocation_ratio'])


def normalize(rc, fields, reserved_can_be_total=True):
    """Fill defaults and check one class's inventory; InvalidInventory."""
    inv = dict(DEFAULTS)
    inv.update({k: v for k, v in fields.items() if k in FIELDS})
    if 'total' not in inv:
        raise exception.InvalidInventory(reason='%s has no total' % rc)
    inv['allocation_ratio'] = _ratio(inv['allocation_ratio'])
    if inv['reserved'] > inv['total'] or (
            not reserved_can_be_total and inv['total'] and
            inv['reserved'] == inv['total']):
        raise exception.InvalidInventory(
            reason="Invalid inventory for '%s': the reserved value is "
                   "greater than%s total." % (
                       rc, '' if reserved_can_be_total else ' or equal to'))
    if inv['min_unit'] > inv['max_unit']:
        raise exception.InvalidInventory(
            reason="Invalid inventory for '%s': min_unit is greater than "
                   "max_unit." % rc)
    return inv


# Built once (every claim reads inventories): building a statement and
# its cache key cost more than running it.
_OF_PROVIDERS = sa.select(
    _INV.c.resource_provider_id, _INV.c.resource_class_id,
    *[_INV.c[f] for f in FIELDS]).where(
    _INV.c.resource_provider_id.in_(sa.bindparam('ids', expanding=True)))


def of_providers(session, provider_ids):
    """{provider id: {class name: inventory dict}}."""
    names = resource_classes.names_by_id(session)
    result = {pid: {} for pid in provider_ids}
    for chunk in t.chunks(provider_ids):
        rows = session.execute(_OF_PROVIDERS, {'ids': chunk})
        for row in rows:
            values = row._mapping
            inv = {f: values[f] for f in FIELDS}
            inv['allocation_ratio'] = _ratio(inv['allocation_ratio'])
            result[values['resource_provider_id']][
                names[values['resource_class_id']]] = inv
    return result


def of_provider(session, provider_id):
    return of_providers(session, [provider_id])[provider_id]


def used_classes(session, provider_id, class_ids):
    """Which of class_ids have allocations on the provider."""
    if not class_ids:
        return set()
    return set(session.execute(sa.select(
        t.ALLOCATIONS.c.resource_class_id).distinct().where(
        t.ALLOCATIONS.c.resource_provider_id == provider_id,
        t.ALLOCATIONS.c.resource_class_id.in_(class_ids))).scalars())


def replace(session, provider, inventories):
    """Make the provider's inventories exactly ``inventories``
    ({class: normalized dict}). Returns True if anything changed.
    InventoryInUse if a removed class still has allocations."""
    pid = provider['id']
    current = of_provider(session, pid)
    ids = resource_classes.ids_for(session, set(current) | set(inventories))
    removed = [rc for rc in current if rc not in inventories]
    changed = {rc: inv for rc, inv in inventories.items()
               if current.get(rc) != inv}
    if removed:
        in_use = used_classes(session, pid, [ids[rc] for rc in removed])
        if in_use:
            names = sorted(rc for rc in removed if ids[rc] in in_use)
            raise exception.InventoryInUse(
                resource_classes=', '.join(names), uuid=provider['uuid'])
        session.execute(_INV.delete().where(
            _INV.c.resource_provider_id == pid,
            _INV.c.resource_class_id.in_([ids[rc] for rc in removed])))
    now = t.now()
    for rc, inv in changed.items():
        if rc in current:
            session.execute(_INV.update().where(
                _INV.c.resource_provider_id == pid,
                _INV.c.resource_class_id == ids[rc]).values(
                updated_at=now, **inv))
    new = [dict(inv, resource_provider_id=pid, resource_class_id=ids[rc],
                created_at=now)
           for rc, inv in changed.items() if rc not in current]
    if new:
        session.execute(_INV.insert(), new)
    return bool(removed or changed)
