"""Plans the requests of one scheduler call and claims them in placement.

All plans of a call are claimed in one placement transaction
(claim_many). A plan some of whose claims lost a race with another
scheduler gives back the claims it won and is planned again once, on
fresh data; a plan that still cannot be claimed is a NoValidHost. A
request is placed whole or not at all.
"""
from oslo_log import log as logging
from oslo_serialization import jsonutils

from nova import exception
from nova import objects
from nova.placement import direct
from nova.scheduler import decision
from nova.scheduler import explain
from nova.scheduler import host_manager as host_manager_mod

LOG = logging.getLogger(__name__)

ALLOCATION_REQUEST_VERSION = '1.36'


def claim_allocations(allocation_request):
    """{rp_uuid: {rc: n}} of a candidates allocation request."""
    return {rp: dict(value['resources'])
            for rp, value in allocation_request['allocations'].items()}


def selection(state, request_json=None):
    """A Selection of state's host; request_json: its allocation request
    as JSON, when the caller has it already."""
    chosen = objects.Selection(
        compute_node_uuid=state.uuid, service_host=state.host,
        nodename=state.nodename, cell_uuid=state.cell_uuid, limits=None,
        allocation_request=request_json or jsonutils.dumps(
            state.allocation_request),
        allocation_request_version=ALLOCATION_REQUEST_VERSION)
    # A value, never saved: without this, every copy sent (to the
    # conductor, then with each build cast) carries its list of changes.
    chosen.obj_reset_changes()
    return chosen


class Scheduler:
    def __init__(self, conf, placement=None, host_manager=None):
        self.conf = conf
        self.placement = placement or direct.Placement(conf)
        self.host_manager = host_manager or \
            host_manager_mod.HostManager(conf)
        self.decider = decision.Decider(conf, self.placement,
                                        self.host_manager)

    def select(self, context, requests):
        """requests: [(RequestSpec, [instance uuid, ...])]. Returns one item
        per request: [[Selection, ...] per instance] (claimed), or the
        NoValidHost it raised."""
        self.host_manager.refresh(context)
        plans = self._plan_all(context, requests)
        lost = self._claim(context, [p for p in plans
                                     if isinstance(p, decision.Plan)])
        results = []
        for index, plan in enumerate(plans):
            if isinstance(plan, decision.Plan) and id(plan) in lost:
                plan = self._retry(context, requests[index])
            results.append(self._selections(plan))
        return results

    def _plan_all(self, context, requests):
        batch = decision.Batch(self.placement)
        plans = []
        for spec, uuids in requests:
            try:
                plans.append(self.decider.plan(context, spec, uuids, batch))
            except exception.NoValidHost as exc:
                plans.append(exc)
        return plans

    def _retry(self, context, request):
        spec, uuids = request
        LOG.info('Claims for %s lost a race; scheduling them again', uuids)
        self.host_manager.refresh(context, force=True)
        try:
            plan = self.decider.plan(context, spec, uuids,
                                     decision.Batch(self.placement))
        except exception.NoValidHost as exc:
            return exc
        if self._claim(context, [plan]):
            trace = explain.Trace(plan.request.describe())
            trace.add('claim', len(uuids), [],
                      note='other schedulers took the chosen hosts twice')
            return trace.no_valid_host(
                'the hosts that could take it filled up meanwhile', 0,
                len(uuids))
        return plan

    def _claim(self, context, plans):
        """Claim every plan's chosen hosts in one transaction; return the
        ids of plans with a refused claim (their other claims undone)."""
        claims, owner = [], {}
        for plan in plans:
            spec = plan.spec
            for uuid, hosts in zip(plan.instance_uuids, plan.hosts):
                claims.append(dict(
                    consumer_uuid=uuid,
                    allocations=claim_allocations(hosts[0].allocation_request),
                    project_id=spec.project_id, user_id=spec.user_id))
                owner[uuid] = plan
        if not claims:
            return set()
        refused = {}
        for uuid, error in self.placement.claim_many(context, claims):
            if error is not None:
                refused[uuid] = error
        lost = {id(owner[u]) for u in refused}
        undo = [u for plan in plans if id(plan) in lost
                for u in plan.instance_uuids if u not in refused]
        if undo:
            self.placement.delete_allocations(context, undo)
        for plan in plans:
            if id(plan) not in lost:
                for hosts in plan.hosts:
                    self.host_manager.placed(hosts[0].uuid)
        if refused:
            LOG.info('Placement refused %d claim(s): %s', len(refused),
                     '; '.join(sorted(set(refused.values()))))
        return lost

    @staticmethod
    def _selections(plan):
        if not isinstance(plan, decision.Plan):
            return plan
        # A host is chosen or an alternate for many instances of a plan:
        # its allocation request is written as JSON once.
        requests = {}
        for hosts in plan.hosts:
            for host in hosts:
                if id(host) not in requests:
                    requests[id(host)] = jsonutils.dumps(
                        host.allocation_request)
        return [[selection(h, requests[id(h)]) for h in hosts]
                for hosts in plan.hosts]
