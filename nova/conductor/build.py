"""The build workflow: schedule, create in a cell, hand to computes.

Build requests that arrive close together are handled as one batch (a
stream of them lingers a moment for the next): one read of their build
records, one scheduler call, one transaction per cell database and one in
the API database, then one cast per compute host. A build nobody can host
goes to cell0 as ERROR with a NoValidHost fault (the scheduler's
explanation; its trace in the fault's admin-only details). A compute
writes its builds that spawned ACTIVE through ``finish``, which records
their build events in the same transaction (one INSERT for the batch).

The scheduler has claimed each instance's allocation in placement before
the cast; the compute gets the alternates with it. A build that fails on
its host comes back here (``reschedule``): the allocation moves to the
next alternate that placement accepts, and the build is cast there; when
none is left, the allocation is freed and the instance ends in ERROR.
"""
import collections
import dataclasses

from oslo_log import log as logging
from oslo_serialization import jsonutils

from nova.compute import availability_zones
from nova.compute import rpcapi as compute_rpcapi
from nova.conductor import batching
from nova import context as nova_context
from nova.db import engines
from nova import exception
from nova import objects
from nova.objects import fields
from nova.objects import instance_action
from nova.scheduler import rpcapi as scheduler_rpcapi

LOG = logging.getLogger(__name__)

# Instances one batch may hold; a larger backlog is split.
MAX_BATCH = 500
# Orders arriving less than STREAM_GAP seconds apart are a stream (a
# script creating servers one after the other, many users at once): a
# batch of a stream waits until LINGER seconds after its first order
# arrived for the next ones. A batch costs a scheduler call and three
# transactions whatever its size, most of the conductor's and the
# scheduler's CPU for a single server; two or three servers a batch
# divide that, for at most LINGER more latency. A lone create does not
# wait.
STREAM_GAP = 0.1
LINGER = 0.03


@dataclasses.dataclass
class BuildOrder:
    """One API request: its context, instance uuids and image."""
    context: object
    instance_uuids: list
    image: dict
    build_requests: list = dataclasses.field(default_factory=list)
    spec: object = None


class BuildQueue(batching.LingeringQueue):
    """Gathers orders while a batch is being built, then builds them all
    (nova.conductor.batching); a failed batch is built again order by
    order."""

    # This module's values, read at every batch (tests change them).
    stream_gap = property(lambda self: STREAM_GAP)
    linger = property(lambda self: LINGER)
    max_batch = property(lambda self: MAX_BATCH)

    def __init__(self, builder):
        super().__init__(builder.build, 'build-queue',
                         size=lambda order: len(order.instance_uuids),
                         describe=lambda order: order.instance_uuids)


class Builder:
    def __init__(self, conf, placement=None):
        self.conf = conf
        self.scheduler = scheduler_rpcapi.SchedulerAPI(conf)
        self.compute = compute_rpcapi.ComputeAPI(conf)
        self._placement = placement

    @property
    def placement(self):
        # Built on first use: the API database URL is set by then.
        if self._placement is None:
            from nova.placement import direct
            self._placement = direct.Placement(self.conf)
        return self._placement

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
            results = [{'error': exc.format_message(), 'details': None,
                        'maybe_claimed': True} for _ in orders]
        except Exception as exc:
            # A scheduler bug must not leave servers in BUILD for ever.
            LOG.exception('The scheduler failed')
            results = [{'error': 'No valid host was found. The scheduler '
                        'failed; see its log.', 'details': str(exc)[:1000],
                        'maybe_claimed': True} for _ in orders]
        chosen_cells = {choice[0].cell_uuid for result in results
                        if not isinstance(result, dict) for choice in result}
        cells = {c.uuid: c for c in objects.CellMappingList.get_all_cached(
            admin, required=chosen_cells | {objects.CellMapping.CELL0_UUID})}
        by_cell = collections.defaultdict(list)
        # Servers asked for no zone take their host's (one query per batch).
        zones = availability_zones.host_zones(admin, self.conf, {
            choice[0].service_host for result in results
            if not isinstance(result, dict) for choice in result})
        for order, result in zip(orders, results):
            if isinstance(result, dict):
                self.bury_in_cell0(admin, order, cells, result['error'],
                                   details=result.get('details'),
                                   claimed=result.get('maybe_claimed'))
                continue
            for req, choice in zip(order.build_requests, result):
                host = choice[0]
                instance = req.instance
                # Handed to its host: spawning from now on (the compute
                # then writes once, when the guest runs).
                instance.task_state = fields.TaskState.SPAWNING
                instance.host = host.service_host
                instance.node = host.nodename
                instance.launched_on = host.service_host
                instance.availability_zone = \
                    instance.availability_zone or zones[host.service_host]
                by_cell[host.cell_uuid].append((order, instance, choice))
        for cell_uuid, placed in by_cell.items():
            self._create_in_cell(admin, cells[cell_uuid], placed)

    @staticmethod
    def _load(admin, orders):
        """Attach build requests and specs; drop orders already deleted."""
        uuids = [u for o in orders for u in o.instance_uuids]
        with engines.api_reader(admin):  # one transaction for both reads
            requests = {b.instance_uuid: b for b in
                        objects.BuildRequestList.get_by_filters(
                            admin, uuids=uuids)}
            for order in orders:
                order.build_requests = sorted(
                    (requests[u] for u in order.instance_uuids
                     if u in requests),
                    key=lambda b: b.instance.launch_index or 0)
            orders = [o for o in orders if o.build_requests]
            # The instances of one order share a spec but for their uuid.
            specs = objects.RequestSpec.get_many(
                admin, [o.build_requests[0].instance_uuid for o in orders])
        for order in orders:
            order.spec = specs[order.build_requests[0].instance_uuid]
            # The scheduler asks placement for hosts supporting the image's
            # disk format (not an image property in the spec, but Glance
            # reserves the name, so it cannot clash with one).
            disk_format = (order.image or {}).get('disk_format')
            if disk_format:
                order.spec.image_properties = dict(
                    order.spec.image_properties or {},
                    disk_format=disk_format)
        return orders

    def _create_in_cell(self, admin, cell, placed):
        instances = [i for _, i, _ in placed]
        uuids = [i.uuid for i in instances]
        with nova_context.target_cell(admin, cell) as cctxt:
            objects.Instance.create_many(
                cctxt, instances, action=instance_action.Actions.CREATE,
                request_contexts=[o.context for o, _, _ in placed])
        gone = _hand_over(admin, uuids, cell)
        # One cast per host for the whole batch (each build carrying its
        # own request's context and image): a multi-create, or a stream of
        # creates, costs a cast per host, not one per instance.
        casts = collections.defaultdict(list)
        for order, instance, choice in placed:
            if instance.uuid in gone:
                # Deleted by its owner while being scheduled.
                with nova_context.target_cell(admin, cell) as cctxt:
                    instance._context = cctxt
                    instance.destroy()
                continue
            casts[choice[0].service_host].append(
                (order.context, instance, order.image, choice[1:]))
        for host, builds in casts.items():
            self.compute.build_and_run_instances(builds[0][0], host, builds)
        if gone:
            self.placement.delete_allocations(admin, sorted(gone))

    def finish(self, context, finished, host=None, started=None):
        """Builds that spawned on a compute: each ACTIVE, compare-and-set
        on spawning, and its build event on its create action, in one
        transaction. finished: {instance uuid: column values as the
        compute sends them}; host: the compute's; started: {instance uuid:
        when its spawn began} (no event for an instance not in it)."""
        for uuid, outcome in _write_active(context, finished, host,
                                           started or {}).items():
            if outcome == _DELETING:
                # Its terminate, queued on the compute, removes the guest.
                LOG.info('Instance %s was deleted while it spawned', uuid)
            elif outcome == _GONE:
                self._discard(context, uuid)
            elif outcome is not None:
                LOG.warning('Build of %s ended in an unexpected state: %s',
                            uuid, outcome)

    def _discard(self, context, uuid):
        """Deleted with no terminate coming (before its build began on the
        host): the host must still remove the guest it spawned."""
        try:
            instance = objects.Instance.get_by_uuid(
                context.elevated(read_deleted='yes'), uuid,
                expected_attrs=[])
        except exception.InstanceNotFound:   # purged already
            self.placement.delete_allocations(context, [uuid])
            return
        LOG.info('Instance %s was deleted before its build; %s removes '
                 'the guest', uuid, instance.host)
        self.compute.discard_build(context, instance)

    def bury_in_cell0(self, admin, order, cells, reason, details=None,
                      claimed=False):
        """Record unschedulable instances in cell0, in ERROR, with a fault."""
        cell0 = cells[objects.CellMapping.CELL0_UUID]
        instances = [r.instance for r in order.build_requests]
        for instance in instances:
            instance.vm_state = fields.VMState.ERROR
            instance.task_state = None
        uuids = [i.uuid for i in instances]
        with nova_context.target_cell(admin, cell0) as cctxt, \
                engines.main_writer(cctxt):
            # One transaction: nobody sees them in ERROR without the fault.
            objects.Instance.create_many(
                cctxt, instances, action=instance_action.Actions.CREATE,
                request_contexts=[order.context] * len(instances))
            for instance in instances:
                instance._context = cctxt
                instance.add_fault(code=exception.NoValidHost.code,
                                   message=reason, details=details,
                                   host=None)
        gone = _hand_over(admin, uuids, cell0)
        if gone:
            # Deleted by their owner meanwhile (the API found no cell yet).
            with nova_context.target_cell(admin, cell0) as cctxt:
                for instance in instances:
                    if instance.uuid in gone:
                        instance._context = cctxt
                        instance.destroy()
        if claimed:
            # The scheduler may have claimed before we stopped waiting.
            self.placement.delete_allocations(admin, uuids)


_DELETING = 'deleting'
_GONE = 'gone'


@engines.retry_if_locked
def _write_active(context, finished, host, started):
    """Write each build ACTIVE, compare-and-set on spawning, and the build
    events of those written (one INSERT for the batch), in one
    transaction; {uuid: None (written), _DELETING, _GONE or why not}."""
    outcomes = {}
    with engines.main_writer(context):
        for uuid, values in finished.items():
            try:
                objects.Instance.save_values(
                    context, uuid, values, None, None, None,
                    {'task_state': fields.TaskState.SPAWNING})
                outcomes[uuid] = None
            except exception.UnexpectedDeletingTaskStateError:
                outcomes[uuid] = _DELETING
            except exception.InstanceNotFound:
                outcomes[uuid] = _GONE
            except exception.UnexpectedTaskStateError as exc:
                outcomes[uuid] = exc.format_message()
        instance_action.InstanceActionEvent.finish_many(
            context, instance_action.Actions.CREATE,
            instance_action.Events.BUILD,
            {uuid: (started[uuid], host) for uuid, outcome in outcomes.items()
             if outcome is None and uuid in started})
    return outcomes


@engines.retry_if_locked
def _hand_over(admin, uuids, cell):
    """Map the instances to their cell and drop their build requests, in
    one API-database transaction; return the uuids whose build request
    was gone already (deleted by their owner meanwhile)."""
    # build_requests before instance_mappings: the order the API's create
    # writes them in, so the two transactions cannot deadlock.
    with engines.api_writer(admin):
        gone = set(objects.BuildRequest.destroy_many(admin, uuids))
        objects.InstanceMapping.set_cell_many(admin, uuids, cell)
        return gone


class Rescheduler:
    """A build failed on its host: try the next alternate, or give up.

    The instance's allocation is moved, in one placement transaction
    guarded by its consumer generation, from the failed host to the first
    alternate placement accepts; the build is cast there with the
    alternates after it. With none left the allocation is freed and the
    instance goes to ERROR with a fault naming the last error.
    """

    def __init__(self, builder):
        self.builder = builder

    def reschedule(self, context, instance_uuid, failed_host, alternates,
                   image, message, details):
        admin = nova_context.get_admin_context()
        try:
            mapping = objects.InstanceMapping.get_by_instance_uuid(
                admin, instance_uuid)
        except exception.InstanceMappingNotFound:
            self.builder.placement.delete_allocations(admin, [instance_uuid])
            return
        with nova_context.target_cell(admin, mapping.cell_mapping) as cctxt:
            try:
                instance = objects.Instance.get_by_uuid(
                    cctxt, instance_uuid, expected_attrs=[])
            except exception.InstanceNotFound:
                self.builder.placement.delete_allocations(
                    admin, [instance_uuid])
                return
            chosen, rest = self._claim_next(admin, instance, alternates)
            if chosen is None:
                self._give_up(admin, instance, failed_host, message, details)
                return
            LOG.info('Rescheduling %s from %s to %s: %s', instance_uuid,
                     failed_host, chosen.service_host, message)
            instance.host = chosen.service_host
            instance.node = chosen.nodename
            instance.launched_on = chosen.service_host
            instance.task_state = fields.TaskState.SPAWNING
            try:
                instance.save(expected_task_state=[
                    fields.TaskState.SPAWNING, fields.TaskState.SCHEDULING])
            except (exception.UnexpectedTaskStateError,
                    exception.InstanceNotFound):
                # Deleted meanwhile: the allocation we just moved is ours
                # to free.
                self.builder.placement.delete_allocations(
                    admin, [instance_uuid])
                return
        instance._context = context
        self.builder.compute.build_and_run_instance(
            context, instance, chosen.service_host, chosen.nodename, image,
            alternates=rest)

    def _claim_next(self, admin, instance, alternates):
        """(selection, remaining alternates) placement accepted, or
        (None, [])."""
        placement = self.builder.placement
        for index, choice in enumerate(alternates or ()):
            held = placement.get_allocations(admin, instance.uuid)
            try:
                request = jsonutils.loads(choice.allocation_request)
                placement.claim(
                    admin, instance.uuid,
                    {rp: dict(v['resources'])
                     for rp, v in request['allocations'].items()},
                    instance.project_id, instance.user_id,
                    consumer_generation=held['consumer_generation'])
            except (exception.InsufficientResources,
                    exception.ConsumerGenerationConflict,
                    exception.Invalid) as exc:
                LOG.info('Alternate %s of %s refused: %s',
                         choice.service_host, instance.uuid,
                         exc.format_message())
                continue
            return choice, list(alternates[index + 1:])
        return None, []

    def _give_up(self, admin, instance, failed_host, message, details):
        self.builder.placement.delete_allocations(admin, [instance.uuid])
        attempts = self.builder.conf.scheduler.max_attempts
        text = ('Build failed on every host tried (at most %d): %s'
                % (attempts, message))
        instance.add_fault(code=500, message=text, details=details,
                           host=failed_host)
        instance.vm_state = fields.VMState.ERROR
        instance.task_state = None
        instance.power_state = fields.PowerState.NOSTATE
        try:
            instance.save(expected_task_state=[fields.TaskState.SPAWNING,
                                               fields.TaskState.SCHEDULING])
        except (exception.UnexpectedTaskStateError,
                exception.InstanceNotFound):
            return


def update_provider(placement, context, uuid, name, inventories, traits):
    """A compute's provider view, written to placement (see the resource
    tracker); returns the provider generation."""
    return placement.sync_provider(context, uuid, name, inventories,
                                   set(traits))
