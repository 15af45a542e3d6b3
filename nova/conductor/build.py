"""The build workflow: schedule, create in a cell, hand to computes.

For a multi-create of N servers this costs one scheduler call, one batched
transaction in the cell database, one in the API database and N casts.
A build nobody can host goes to cell0 as ERROR with a NoValidHost fault.
"""
import collections

from oslo_log import log as logging

from nova.compute import rpcapi as compute_rpcapi
from nova import context as nova_context
from nova import exception
from nova import objects
from nova.objects import fields
from nova.objects import instance_action
from nova.scheduler import rpcapi as scheduler_rpcapi

LOG = logging.getLogger(__name__)


class Builder:
    def __init__(self, conf):
        self.conf = conf
        self.scheduler = scheduler_rpcapi.SchedulerAPI(conf)
        self.compute = compute_rpcapi.ComputeAPI(conf)

    def schedule_and_build(self, context, instance_uuids, image):
        build_requests = objects.BuildRequestList.get_by_filters(
            context, uuids=instance_uuids).objects
        if not build_requests:
            return  # every one deleted before we started
        build_requests.sort(key=lambda b: b.instance.launch_index or 0)
        uuids = [b.instance_uuid for b in build_requests]
        # The instances of one request share a spec but for their uuid.
        spec = objects.RequestSpec.get_by_instance_uuid(context, uuids[0])
        try:
            selections = self.scheduler.select_destinations(
                context, spec, uuids)
        except (exception.NoValidHost, exception.RPCTimeout) as exc:
            LOG.info('Cannot schedule %s: %s', uuids, exc.format_message())
            self.bury_in_cell0(context, build_requests, exc)
            return
        cells = {c.uuid: c for c in
                 objects.CellMappingList.get_all(context)}
        by_cell = collections.defaultdict(list)
        for req, choice in zip(build_requests, selections):
            host = choice[0]
            instance = req.instance
            instance.host = host.service_host
            instance.node = host.nodename
            instance.launched_on = host.service_host
            instance.availability_zone = instance.availability_zone or 'nova'
            by_cell[host.cell_uuid].append((instance, host))
        for cell_uuid, placed in by_cell.items():
            self._create_in_cell(context, cells[cell_uuid], placed, image)

    def _create_in_cell(self, context, cell, placed, image):
        instances = [i for i, _ in placed]
        uuids = [i.uuid for i in instances]
        with nova_context.target_cell(context, cell) as cctxt:
            objects.Instance.create_many(cctxt, instances)
            instance_action.InstanceAction.start_many(
                cctxt, uuids, instance_action.Actions.CREATE)
        objects.InstanceMapping.set_cell_many(context, uuids, cell)
        gone = set(objects.BuildRequest.destroy_many(context, uuids))
        for instance, host in placed:
            if instance.uuid in gone:
                # Deleted by its owner while being scheduled.
                with nova_context.target_cell(context, cell) as cctxt:
                    instance._context = cctxt
                    instance.destroy()
                continue
            self.compute.build_and_run_instance(
                context, instance, host.service_host, host.nodename, image)

    def bury_in_cell0(self, context, build_requests, exc):
        """Record unschedulable instances in cell0, in ERROR, with a fault."""
        cell0 = objects.CellMapping.get_by_uuid(
            context, objects.CellMapping.CELL0_UUID)
        instances = [r.instance for r in build_requests]
        for instance in instances:
            instance.vm_state = fields.VMState.ERROR
            instance.task_state = None
        uuids = [i.uuid for i in instances]
        with nova_context.target_cell(context, cell0) as cctxt:
            objects.Instance.create_many(cctxt, instances)
            instance_action.InstanceAction.start_many(
                cctxt, uuids, instance_action.Actions.CREATE)
            for instance in instances:
                instance._context = cctxt
                instance.add_fault(code=exc.code,
                                   message=exc.format_message(),
                                   details=None, host=None)
        objects.InstanceMapping.set_cell_many(context, uuids, cell0)
        objects.BuildRequest.destroy_many(context, uuids)
