"""The build workflow: schedule, create in a cell, hand to computes.

Build requests that arrive close together are handled as one batch: one
read of their build records, one scheduler call, one transaction per cell
database and one in the API database, then a cast per instance. A build
nobody can host goes to cell0 as ERROR with a NoValidHost fault.
"""
import collections
import dataclasses
import queue
import threading

from oslo_log import log as logging

from nova.compute import rpcapi as compute_rpcapi
from nova import context as nova_context
from nova import exception
from nova import objects
from nova.objects import fields
from nova.objects import instance_action
from nova.scheduler import rpcapi as scheduler_rpcapi

LOG = logging.getLogger(__name__)

# Instances one batch may hold; a larger backlog is split.
MAX_BATCH = 500


@dataclasses.dataclass
class BuildOrder:
    """One API request: its context, instance uuids and image."""
    context: object
    instance_uuids: list
    image: dict
    build_requests: list = dataclasses.field(default_factory=list)
    spec: object = None


class BuildQueue:
    """Gathers orders while a batch is being built, then builds them all."""

    def __init__(self, builder):
        self._builder = builder
        self._orders = queue.Queue()
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True,
                                        name='build-queue')
        self._thread.start()

    def put(self, order):
        self._orders.put(order)

    def stop(self, timeout=10):
        self._stopped.set()
        self._thread.join(timeout)

    def _take_batch(self):
        try:
            batch = [self._orders.get(timeout=0.5)]
        except queue.Empty:
            return []
        count = len(batch[0].instance_uuids)
        while count < MAX_BATCH:
            try:
                order = self._orders.get_nowait()
            except queue.Empty:
                break
            batch.append(order)
            count += len(order.instance_uuids)
        return batch

    def _run(self):
        while not (self._stopped.is_set() and self._orders.empty()):
            batch = self._take_batch()
            if not batch:
                continue
            try:
                self._builder.build(batch)
            except Exception:
                LOG.exception('Building a batch of %d orders failed; '
                              'retrying them one by one', len(batch))
                for order in batch:
                    try:
                        self._builder.build([order])
                    except Exception:
                        LOG.exception('Build of %s failed',
                                      order.instance_uuids)


class Builder:
    def __init__(self, conf):
        self.conf = conf
        self.scheduler = scheduler_rpcapi.SchedulerAPI(conf)
        self.compute = compute_rpcapi.ComputeAPI(conf)

    def build(self, orders):
        admin = nova_context.get_admin_context()
        orders = self._load(admin, orders)
        if not orders:
            return
        try:
            results = self.scheduler.select_many(
                admin, [[o.spec, [b.instance_uuid for b in o.build_requests]]
                        for o in orders])
        except exception.RPCTimeout as exc:
            LOG.info('Scheduler did not answer: %s', exc.format_message())
            results = [{'error': exc.format_message()} for _ in orders]
        cells = {c.uuid: c for c in objects.CellMappingList.get_all(admin)}
        by_cell = collections.defaultdict(list)
        for order, result in zip(orders, results):
            if isinstance(result, dict):
                self.bury_in_cell0(admin, order, cells, result['error'])
                continue
            for req, choice in zip(order.build_requests, result):
                host = choice[0]
                instance = req.instance
                instance.host = host.service_host
                instance.node = host.nodename
                instance.launched_on = host.service_host
                instance.availability_zone = \
                    instance.availability_zone or 'nova'
                by_cell[host.cell_uuid].append((order, instance, host))
        for cell_uuid, placed in by_cell.items():
            self._create_in_cell(admin, cells[cell_uuid], placed)

    @staticmethod
    def _load(admin, orders):
        """Attach build requests and specs; drop orders already deleted."""
        uuids = [u for o in orders for u in o.instance_uuids]
        requests = {b.instance_uuid: b for b in
                    objects.BuildRequestList.get_by_filters(admin,
                                                            uuids=uuids)}
        for order in orders:
            order.build_requests = sorted(
                (requests[u] for u in order.instance_uuids if u in requests),
                key=lambda b: b.instance.launch_index or 0)
        orders = [o for o in orders if o.build_requests]
        # The instances of one order share a spec but for their uuid.
        specs = objects.RequestSpec.get_many(
            admin, [o.build_requests[0].instance_uuid for o in orders])
        for order in orders:
            order.spec = specs[order.build_requests[0].instance_uuid]
        return orders

    def _create_in_cell(self, admin, cell, placed):
        instances = [i for _, i, _ in placed]
        uuids = [i.uuid for i in instances]
        with nova_context.target_cell(admin, cell) as cctxt:
            objects.Instance.create_many(
                cctxt, instances, action=instance_action.Actions.CREATE,
                request_contexts=[o.context for o, _, _ in placed])
        objects.InstanceMapping.set_cell_many(admin, uuids, cell)
        gone = set(objects.BuildRequest.destroy_many(admin, uuids))
        for order, instance, host in placed:
            if instance.uuid in gone:
                # Deleted by its owner while being scheduled.
                with nova_context.target_cell(admin, cell) as cctxt:
                    instance._context = cctxt
                    instance.destroy()
                continue
            self.compute.build_and_run_instance(
                order.context, instance, host.service_host, host.nodename,
                order.image)

    def bury_in_cell0(self, admin, order, cells, reason):
        """Record unschedulable instances in cell0, in ERROR, with a fault."""
        cell0 = cells[objects.CellMapping.CELL0_UUID]
        instances = [r.instance for r in order.build_requests]
        for instance in instances:
            instance.vm_state = fields.VMState.ERROR
            instance.task_state = None
        uuids = [i.uuid for i in instances]
        with nova_context.target_cell(admin, cell0) as cctxt:
            objects.Instance.create_many(
                cctxt, instances, action=instance_action.Actions.CREATE,
                request_contexts=[order.context] * len(instances))
            for instance in instances:
                instance._context = cctxt
                instance.add_fault(code=exception.NoValidHost.code,
                                   message=reason, details=None, host=None)
        objects.InstanceMapping.set_cell_many(admin, uuids, cell0)
        objects.BuildRequest.destroy_many(admin, uuids)
