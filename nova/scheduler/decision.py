"""One scheduling decision: request filters, placement, host filters,
weighers, then a host and alternates for every instance of the request.

The plan is made in memory; nova.scheduler.claims then claims it in
placement. A multi-create is planned in one pass: one candidates query,
one filtering and weighing, and per instance only the chosen host is
re-checked and re-weighed.
"""
import collections

from nova.scheduler import explain
from nova.scheduler import filters as filters_mod
from nova.scheduler import ranking as ranking_mod
from nova.scheduler import request as sched_request
from nova.scheduler import request_filter
from nova.scheduler import weights as weights_mod

# Filters whose verdict on every host changes when the request's group
# gains a host (re-run over all hosts after each placement).
_GROUP_FILTERS = ('ServerGroupAffinityFilter',
                  'ServerGroupAntiAffinityFilter')


class Plan:
    """Chosen and alternate HostStates per instance uuid, in order."""

    def __init__(self, spec, request, instance_uuids):
        self.spec = spec
        self.request = request
        self.instance_uuids = list(instance_uuids)
        self.hosts = []   # [[chosen, alternate, ...], ...]


class Batch:
    """What the decisions of one scheduler call share: placement answers
    for identical queries, and what earlier plans consumed."""

    def __init__(self, placement):
        self.placement = placement
        self._answers = {}
        self.consumed = collections.defaultdict(collections.Counter)
        self.instances = collections.Counter()

    def candidates(self, context, candidate_request):
        key = repr(candidate_request)
        if key not in self._answers:
            self._answers[key] = self.placement.get_candidates(
                context, candidate_request)
        return self._answers[key]

    def forget(self):
        self._answers.clear()

    def apply(self, state):
        used = self.consumed.get(state.uuid)
        if used:
            for rc, amount in used.items():
                state._consumed[rc] = state._consumed.get(rc, 0) + amount
            state.num_instances += self.instances[state.uuid]
            state.num_io_ops += self.instances[state.uuid]

    def record(self, state, resources):
        self.consumed[state.uuid].update(resources)
        self.instances[state.uuid] += 1


class Decider:
    def __init__(self, conf, placement, host_manager):
        self.conf = conf
        self.placement = placement
        self.host_manager = host_manager
        self.filters = filters_mod.load_filters(
            conf, conf.filter_scheduler.enabled_filters)
        self.weighers = weights_mod.load_weighers(
            conf, conf.filter_scheduler.weight_classes)

    def default_zone(self):
        return getattr(self.conf, 'default_availability_zone', None) or \
            'nova'

    # -- the pipeline ------------------------------------------------------

    def plan(self, context, spec, instance_uuids, batch):
        """A Plan for every instance, or raise NoValidHost (``.details``
        holds the admin's trace)."""
        request = sched_request.SchedulingRequest(
            context, spec, default_zone=self.default_zone())
        trace = explain.Trace(request.describe())
        total = len(instance_uuids)
        if not self.host_manager.host_count():
            raise trace.no_valid_host('there are no compute hosts', 0,
                                      total)
        hosts = self._candidates(context, request, trace, batch, total)
        hosts = self._host_filters(hosts, request, trace, total)
        plan = Plan(spec, request, instance_uuids)
        self._place_all(plan, hosts, trace, batch)
        return plan

    def _candidates(self, context, request, trace, batch, total):
        known = self.host_manager.host_count()
        try:
            query = request_filter.build(self.conf, request,
                                         self.host_manager.aggregates,
                                         self.host_manager)
        except request_filter.NoHostPossible as exc:
            trace.add('request filters', known, [], note=exc.reason)
            raise trace.no_valid_host(exc.reason, 0, total)
        candidates = batch.candidates(context, query.request())
        offered = self.host_manager.host_states(context, candidates)
        hosts = offered
        if batch.consumed:
            # Earlier requests of this call may have filled some hosts.
            for state in offered:
                batch.apply(state)
            hosts = [h for h in offered if h.uuid not in batch.consumed or
                     h.fits(request.resources)]
        returned = {h.host for h in hosts}
        names = self.host_manager.host_names
        trace.add('placement', known,
                  lambda: [n for n in names() if n not in returned],
                  note=query.describe())
        if not hosts:
            if offered:   # taken by the requests scheduled with this one
                reason = explain.shortage_reason(
                    {rc for rc, n in request.resources.items()
                     if all(h.free(rc) < n for h in offered)},
                    request.resources)
            elif candidates.allocation_requests:
                reason = 'no compute host placement offered is known yet'
            else:
                reason = self._explain_placement(context, query, batch)
            raise trace.no_valid_host(reason, 0, total)
        return hosts

    def _explain_placement(self, context, query, batch):
        """Which part of the query left no host (a few extra queries, on
        the failure path only)."""
        def empty(**kw):
            req = query.request(**kw)
            req.limit = 1
            return not batch.placement.get_candidates(
                context, req).allocation_requests
        if not empty(constraints=[]):
            for constraint in query.constraints:
                if empty(constraints=[constraint]):
                    return 'no host with room for it %s' % constraint.reason
            return 'no host with room for it meets all of: %s' % ', '.join(
                c.name for c in query.constraints)
        short = {rc for rc, amount in query.resources.items()
                 if empty(constraints=[], resources={rc: amount})}
        return explain.shortage_reason(short, query.resources)

    def _host_filters(self, hosts, request, trace, total):
        if request.ignore_hosts:
            hosts = self._step(trace, 'ignore_hosts', hosts,
                               lambda h: h.host not in request.ignore_hosts,
                               'every host that can take it is excluded',
                               total)
        if request.force_hosts or request.force_nodes:
            hosts = self._step(
                trace, 'forced host', hosts,
                lambda h: ((not request.force_hosts or
                            h.host in request.force_hosts) and
                           (not request.force_nodes or
                            h.nodename in request.force_nodes)),
                'the requested host cannot take it', total)
        for flt in self.filters:
            if flt.applies(request):
                kept = flt.filter_all(hosts, request)
                self._record(trace, flt.name, hosts, kept)
                hosts = kept
                if not hosts:
                    raise trace.no_valid_host(flt.reason(request), 0, total)
        return hosts

    def _step(self, trace, name, hosts, keep, reason, total):
        kept = [h for h in hosts if keep(h)]
        self._record(trace, name, hosts, kept)
        if not kept:
            raise trace.no_valid_host(reason, 0, total)
        return kept

    @staticmethod
    def _record(trace, name, before, kept):
        ids = {id(h) for h in kept}
        trace.add(name, len(before), [h.host for h in before
                                      if id(h) not in ids])

    # -- one host per instance ------------------------------------------

    def _place_all(self, plan, hosts, trace, batch):
        request = plan.request
        ranking = ranking_mod.Ranking(self.weighers, hosts, request)
        subset = self.conf.filter_scheduler.host_subset_size
        alternates = self.conf.scheduler.max_attempts - 1
        if request.force_hosts or request.force_nodes:
            alternates = 0  # an admin's choice is not second-guessed
        last_reason = None
        for index, _uuid in enumerate(plan.instance_uuids):
            if not len(ranking):
                trace.instance_index = index
                raise trace.no_valid_host(last_reason, index,
                                          len(plan.instance_uuids))
            chosen = ranking.pick(subset)
            others = [h for h in ranking.hosts() if h is not chosen and
                      h.cell_uuid == chosen.cell_uuid][:alternates]
            plan.hosts.append([chosen] + others)
            had_group_host = chosen.host in request.group_hosts
            request.placed(chosen)
            batch.record(chosen, request.resources)
            last_reason = self._recheck(ranking, chosen, request, trace,
                                        not had_group_host) or last_reason

    def _recheck(self, ranking, chosen, request, trace, group_changed):
        """Drop or re-weigh after an instance went to chosen; the reason
        of the last removal, if any."""
        reason = None
        if not chosen.fits(request.resources):
            ranking.remove(chosen)
            short = {rc for rc, n in request.resources.items()
                     if chosen.free(rc) < n}
            trace.add('capacity left', len(ranking) + 1, [chosen.host])
            reason = explain.shortage_reason(short, request.resources)
        else:
            for flt in self.filters:
                if flt.applies(request) and \
                        not flt.host_passes(chosen, request):
                    ranking.remove(chosen)
                    trace.add(flt.name, len(ranking) + 1, [chosen.host])
                    reason = flt.reason(request)
                    break
            else:
                ranking.reweigh(chosen)
        if group_changed and request.group_policy:
            for flt in self.filters:
                if flt.name in _GROUP_FILTERS and flt.applies(request):
                    before = ranking.hosts()
                    gone = [h for h in before
                            if not flt.host_passes(h, request)]
                    for host in gone:
                        ranking.remove(host)
                    if gone:
                        trace.add(flt.name, len(before),
                                  [h.host for h in gone])
                        reason = flt.reason(request)
        return reason
