"""The scheduler's view of compute hosts beyond placement.

Placement knows capacity; the filters also need each host's compute node
record (hypervisor, the tracker's stats), its service (disabled, up) and
its aggregates. Reading those for thousands of hosts per decision would
cost more than the decision, so they are cached here and refreshed
incrementally: only rows changed since the last read (``updated_at``), at
most every ``[scheduler] host_info_refresh_seconds``, with a full re-read
every few minutes to notice deleted rows. Aggregates (few rows) are read
whole whenever a one-query signature of their tables (row counts, latest
timestamps) changed, checked on every scheduler call.

Instances this scheduler placed since a node's record was last written
are counted in memory (``pending``), so back-to-back decisions see them.
"""
import collections
import datetime
import functools
import threading
import time

from oslo_log import log as logging
from oslo_serialization import jsonutils
import sqlalchemy as sa

from nova import context as nova_context
from nova.db.main import models
from nova.db import engines
from nova import objects
from nova.objects import base as objects_base
from nova.scheduler import host_state

LOG = logging.getLogger(__name__)

_NODES = models.ComputeNode.__table__
_SERVICES = models.Service.__table__
_FULL_REFRESH_SECONDS = 300
# Rows written during a read may carry an updated_at just before the
# read's start: re-read a little overlap.
_OVERLAP = datetime.timedelta(seconds=2)

_NODE_COLUMNS = (_NODES.c.uuid, _NODES.c.host, _NODES.c.hypervisor_hostname,
                 _NODES.c.hypervisor_type, _NODES.c.hypervisor_version,
                 _NODES.c.cpu_info, _NODES.c.supported_instances,
                 _NODES.c.stats, _NODES.c.updated_at, _NODES.c.created_at,
                 _NODES.c.deleted)
_SERVICE_COLUMNS = (_SERVICES.c.host, _SERVICES.c.disabled,
                    _SERVICES.c.forced_down, _SERVICES.c.last_seen_up,
                    _SERVICES.c.updated_at, _SERVICES.c.created_at,
                    _SERVICES.c.deleted)


def _changed_since(table):
    stamp = sa.func.coalesce(table.c.updated_at, table.c.created_at)
    return stamp >= sa.bindparam('since')


# The refresh reads, whole ([False]) or rows changed since :since ([True]),
# built once: the scheduler runs them every host_info_refresh_seconds.
_NODE_QUERIES = (sa.select(*_NODE_COLUMNS),
                 sa.select(*_NODE_COLUMNS).where(_changed_since(_NODES)))
_SERVICE_QUERIES = tuple(
    query.where(_SERVICES.c.binary == 'nova-compute') for query in (
        sa.select(*_SERVICE_COLUMNS),
        sa.select(*_SERVICE_COLUMNS).where(_changed_since(_SERVICES))))


def _json(text, default):
    if not text:
        return default
    try:
        return jsonutils.loads(text)
    except ValueError:
        return default


@functools.lru_cache(maxsize=1)
def _aggregates_signature_query():
    # Built once: every scheduler call runs it, and building it (and its
    # cache key) cost more than running it.
    from nova.db.api import scheduling_models as sm
    parts = []
    for model in (sm.Aggregate, sm.AggregateHost, sm.AggregateMetadata):
        table = model.__table__
        parts.extend(sa.select(column).scalar_subquery() for column in (
            sa.func.count(), sa.func.max(table.c.created_at),
            sa.func.max(table.c.updated_at)))
    return sa.select(*parts)


class _CellCache:
    def __init__(self, cell):
        self.cell = cell
        self.nodes = {}      # node uuid -> NodeInfo
        self.services = {}   # host -> (disabled, forced_down, last_seen_up)
        self.read_at = None  # DB time basis: our clock (naive UTC)


class HostManager:
    def __init__(self, conf):
        self.conf = conf
        self._cells = {}
        self._nodes = {}            # node uuid -> NodeInfo (all cells)
        self._aggregates = []       # AggregateInfo
        self._aggs_by_host = {}
        self._aggregates_read = None   # signature of what we read
        self._last_refresh = 0.0
        self._last_full = 0.0
        self._pending = collections.defaultdict(list)  # uuid -> [(t, io)]
        self._lock = threading.Lock()

    # -- refresh -------------------------------------------------------------

    def refresh(self, context=None, force=False):
        """Bring the caches up to date (cheap when little changed)."""
        context = context or nova_context.get_admin_context()
        now = time.monotonic()
        with self._lock:
            # An operator expects a host added to a zone to count at once:
            # check the aggregates every time (one query when unchanged).
            self._refresh_aggregates(context)
            if not force and now - self._last_refresh < \
                    self.conf.scheduler.host_info_refresh_seconds:
                return
            full = now - self._last_full > _FULL_REFRESH_SECONDS
            self._refresh_cells(context, full)
            self._last_refresh = now
            if full:
                self._last_full = now

    def _refresh_cells(self, context, full):
        cells = [c for c in objects.CellMappingList.get_all_cached(context)
                 if not c.is_cell0 and not c.disabled]
        for uuid in set(self._cells) - {c.uuid for c in cells}:
            del self._cells[uuid]
        for cell in cells:
            cache = self._cells.get(cell.uuid)
            if cache is None or full:
                cache = self._cells[cell.uuid] = _CellCache(cell)
            self._refresh_cell(context, cache)
        self._nodes = {u: n for c in self._cells.values()
                       for u, n in c.nodes.items()}

    def _refresh_cell(self, context, cache):
        started = objects_base.naive(objects_base.now())
        changed = cache.read_at is not None
        params = {'since': cache.read_at - _OVERLAP} if changed else {}
        with nova_context.target_cell(context, cache.cell) as cctxt:
            with engines.main_reader(cctxt) as session:
                nodes = session.execute(_NODE_QUERIES[changed],
                                        params).all()
                services = session.execute(_SERVICE_QUERIES[changed],
                                           params).all()
        for row in services:
            if row.deleted:
                cache.services.pop(row.host, None)
            else:
                cache.services[row.host] = (bool(row.disabled),
                                            bool(row.forced_down),
                                            row.last_seen_up)
        for row in nodes:
            if row.deleted:
                cache.nodes.pop(row.uuid, None)
                continue
            cache.nodes[row.uuid] = host_state.NodeInfo(
                uuid=row.uuid, host=row.host,
                nodename=row.hypervisor_hostname,
                cell_uuid=cache.cell.uuid,
                hypervisor_type=row.hypervisor_type,
                hypervisor_version=row.hypervisor_version,
                cpu_info=row.cpu_info,
                supported_instances=_json(row.supported_instances, []),
                stats=_json(row.stats, {}),
                record_updated_at=row.updated_at or row.created_at)
        cache.read_at = started

    def _aggregates_signature(self, context):
        """Row counts and latest timestamps of the aggregate tables: any
        create, delete or update changes it (one cheap query)."""
        with engines.api_reader(context) as session:
            return tuple(session.execute(_aggregates_signature_query()).one())

    def _refresh_aggregates(self, context):
        """All aggregates (few rows), re-read when their tables changed."""
        agg_list = getattr(objects, 'AggregateList', None)
        if agg_list is None:
            return
        signature = self._aggregates_signature(context)
        if signature == self._aggregates_read:
            return
        self._aggregates_read = signature
        aggregates = [host_state.AggregateInfo(
            uuid=a.uuid, name=a.name, hosts=frozenset(a.hosts or ()),
            metadata=dict(a.metadata or {}))
            for a in agg_list.get_all(context)]
        by_host = collections.defaultdict(list)
        for agg in aggregates:
            for host in agg.hosts:
                by_host[host].append(agg)
        self._aggregates = aggregates
        self._aggs_by_host = dict(by_host)

    # -- what a decision reads --------------------------------------------

    @property
    def aggregates(self):
        return list(self._aggregates)

    def aggregates_of(self, host):
        return self._aggs_by_host.get(host, ())

    def node(self, uuid):
        return self._nodes.get(uuid)

    def host_count(self):
        return len(self._nodes)

    def host_names(self):
        return [n.host for n in self._nodes.values()]

    def nodes_matching(self, hosts, nodenames):
        """Nodes of the given service hosts and/or node names."""
        return [n for n in self._nodes.values()
                if (not hosts or n.host in hosts) and
                (not nodenames or n.nodename in nodenames)]

    def service_of(self, node, now=None, down_time=None):
        """(disabled, up) of the node's compute service; down_time:
        ``service_down_time``, when the caller read it already (an
        option lookup costs more than the rest, per host)."""
        cache = self._cells.get(node.cell_uuid)
        record = cache and cache.services.get(node.host)
        if record is None:
            return True, False
        disabled, forced_down, last_seen_up = record
        now = now or objects_base.naive(objects_base.now())
        if down_time is None:
            down_time = self.conf.service_down_time
        up = not forced_down and last_seen_up is not None and abs(
            (now - objects_base.naive(last_seen_up)).total_seconds()
        ) <= down_time
        return disabled, up

    def host_states(self, context, candidates):
        """HostStates for the candidates' root providers that are compute
        nodes this scheduler knows (one per node, its first allocation
        request)."""
        summaries = candidates.provider_summaries
        first = {}
        for request in candidates.allocation_requests:
            for rp_uuid in request['allocations']:
                summary = summaries.get(rp_uuid) or {}
                root = summary.get('root_provider_uuid') or rp_uuid
                first.setdefault(root, request)
                break
        if any(uuid not in self._nodes for uuid in first):
            # A compute reported to placement before we read its record.
            self.refresh(context, force=True)
        states = []
        now = objects_base.naive(objects_base.now())
        down_time = self.conf.service_down_time
        nodes, aggs, pending = self._nodes, self._aggs_by_host, self._pending
        for root, request in first.items():
            node = nodes.get(root)
            if node is None:
                continue
            disabled, up = self.service_of(node, now, down_time)
            states.append(host_state.HostState(
                node, summaries.get(root) or {}, request,
                aggregates=aggs.get(node.host, ()),
                service_disabled=disabled, service_up=up,
                pending=self._pending_counts(node) if root in pending
                else (0, 0)))
        return states

    # -- instances placed but not yet in the node's record ------------------

    def _pending_counts(self, node):
        entries = self._pending.get(node.uuid)
        if not entries:
            return 0, 0
        since = node.record_updated_at
        if since is not None:
            entries[:] = [e for e in entries
                          if e > objects_base.naive(since)]
        return len(entries), len(entries)

    def placed(self, node_uuid):
        """Count an instance placed on node_uuid until its record shows
        it."""
        self._pending[node_uuid].append(objects_base.naive(
            objects_base.now()))
