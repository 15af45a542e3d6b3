"""A placement database filled directly, for the candidates engine's
tests: providers (nested or not), inventories, traits, aggregates and
allocations, with uuids derived from names so tests read by name."""
import uuid as uuid_lib

import os_resource_classes as orc
import sqlalchemy as sa

from nova.db.api import models
from nova.db import engines
from nova.placement import candidates
from nova.placement.store import tables as t
from nova import context as nova_context


def uuid_of(name):
    return str(uuid_lib.uuid5(uuid_lib.NAMESPACE_DNS, name))


class World:
    def __init__(self, url):
        self.url = url
        self.engine = engines.get_engine(url)
        models.BASE.metadata.create_all(self.engine)
        self.db = t.Database(url)
        self.ids = {}
        self.names = {}
        self._consumers = 0

    def _trait_id(self, conn, name):
        found = conn.execute(sa.select(t.TRAITS.c.id).where(
            t.TRAITS.c.name == name)).scalar()
        if found is None:
            found = conn.execute(t.TRAITS.insert().values(
                name=name)).inserted_primary_key[0]
        return found

    def _agg_id(self, conn, agg):
        found = conn.execute(sa.select(t.AGGREGATES.c.id).where(
            t.AGGREGATES.c.uuid == uuid_of(agg))).scalar()
        if found is None:
            found = conn.execute(t.AGGREGATES.insert().values(
                uuid=uuid_of(agg))).inserted_primary_key[0]
        return found

    def provider(self, name, parent=None, inventory=None, traits=(),
                 aggregates=()):
        """inventory: {rc: total or dict(total=, reserved=, ratio=,
        min_unit=, max_unit=, step_size=)}."""
        with self.engine.begin() as conn:
            parent_id = self.ids[parent] if parent else None
            root_id = None
            if parent_id:
                root_id = conn.execute(
                    sa.select(t.PROVIDERS.c.root_provider_id).where(
                        t.PROVIDERS.c.id == parent_id)).scalar()
            pid = conn.execute(t.PROVIDERS.insert().values(
                uuid=uuid_of(name), name=name, generation=0,
                parent_provider_id=parent_id,
                root_provider_id=root_id)).inserted_primary_key[0]
            if root_id is None:
                conn.execute(t.PROVIDERS.update().where(
                    t.PROVIDERS.c.id == pid).values(root_provider_id=pid))
            for rc, spec in (inventory or {}).items():
                spec = spec if isinstance(spec, dict) else {'total': spec}
                conn.execute(t.INVENTORIES.insert().values(
                    resource_provider_id=pid,
                    resource_class_id=orc.STANDARDS.index(rc),
                    total=spec['total'], reserved=spec.get('reserved', 0),
                    min_unit=spec.get('min_unit', 1),
                    max_unit=spec.get('max_unit', spec['total']),
                    step_size=spec.get('step_size', 1),
                    allocation_ratio=spec.get('ratio', 1.0)))
            for trait in traits:
                conn.execute(t.PROVIDER_TRAITS.insert().values(
                    resource_provider_id=pid,
                    trait_id=self._trait_id(conn, trait)))
            for agg in aggregates:
                conn.execute(t.PROVIDER_AGGREGATES.insert().values(
                    resource_provider_id=pid,
                    aggregate_id=self._agg_id(conn, agg)))
        self.ids[name] = pid
        self.names[uuid_of(name)] = name
        return pid

    def allocate(self, name, **amounts):
        self._consumers += 1
        with self.engine.begin() as conn:
            for rc, used in amounts.items():
                conn.execute(t.ALLOCATIONS.insert().values(
                    resource_provider_id=self.ids[name],
                    consumer_id=uuid_of('consumer%d' % self._consumers),
                    resource_class_id=orc.STANDARDS.index(rc), used=used))

    def aggregate(self, name):
        """Create an aggregate row no provider is in (yet)."""
        with self.engine.begin() as conn:
            self._agg_id(conn, name)

    def get(self, groups, randomize=False, **kwargs):
        request = candidates.CandidateRequest(groups=groups, **kwargs)
        ctx = nova_context.get_admin_context()
        return candidates.get(ctx, request, db=self.db,
                              randomize=randomize)

    def named(self, result):
        """The allocation requests with provider names instead of uuids:
        [({name: {rc: n}}, {suffix: [names]})]."""
        return [({self.names[u]: a['resources']
                  for u, a in areq['allocations'].items()},
                 {s: sorted(self.names[u] for u in us)
                  for s, us in areq['mappings'].items()})
                for areq in result.allocation_requests]

    def providers(self, result):
        """Sorted names of the single providers of allocation requests."""
        return sorted(name for allocs, _m in self.named(result)
                      for name in allocs)
