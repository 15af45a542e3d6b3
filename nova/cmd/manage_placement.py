"""nova-manage placement: heal_allocations, audit, sync_aggregates.

Each action takes the parsed ConfigOpts and its own arguments and returns
the exit code Nova documents for it (doc/operator/manage.rst). They talk to
placement in-process (nova.placement.direct) and read the cell databases
directly, as nova-manage may.
"""
import dataclasses

from oslo_utils import uuidutils

from nova import context as nova_context
from nova.db.main import instances as db_instances
from nova.db import engines
from nova import exception
from nova import objects
from nova.placement import direct
from nova.scheduler import request as sched_request

INVALID_INPUT = 127


def _setup(conf):
    objects.register_all()
    return nova_context.get_admin_context(), direct.Placement(conf)


def _cells(ctxt):
    return [c for c in objects.CellMappingList.get_all(ctxt)
            if not c.is_cell0]


# heal_allocations ----------------------------------------------------------

HEAL_CREATED, HEAL_MORE, HEAL_NO_NODE, HEAL_FAILED, HEAL_NOTHING = 0, 1, 2, \
    3, 4


class _HealError(Exception):
    def __init__(self, message, code):
        super().__init__(message)
        self.code = code


def _instances_to_heal(ctxt, instance_uuid):
    """Yield (cell context, instance) of live instances, one cell at a
    time (or only instance_uuid's)."""
    if instance_uuid:
        try:
            mapping = objects.InstanceMapping.get_by_instance_uuid(
                ctxt, instance_uuid)
        except exception.InstanceMappingNotFound:
            mapping = None
        if mapping is None or mapping.cell_mapping is None:
            raise _HealError(
                'Unable to find cell for instance %s, is it mapped? Try '
                "running 'nova-manage cell_v2 discover_hosts'." %
                instance_uuid, INVALID_INPUT)
        with nova_context.target_cell(ctxt, mapping.cell_mapping) as cctxt:
            try:
                yield cctxt, objects.Instance.get_by_uuid(cctxt,
                                                          instance_uuid)
            except exception.InstanceNotFound:
                raise _HealError('Instance %s not found.' % instance_uuid,
                                 INVALID_INPUT)
        return
    for cell in _cells(ctxt):
        with nova_context.target_cell(ctxt, cell) as cctxt:
            instances = objects.InstanceList.get_by_filters(
                cctxt, {'deleted': False}, sort_key='created_at',
                sort_dir='asc')
            for instance in instances:
                yield cctxt, instance


def _heal_one(cctxt, placement, instance, dry_run, say):
    """True if instance got (or, dry run, would get) allocations."""
    if not instance.host or not instance.node:
        say('Instance %s is not on a host; skipping.' % instance.uuid)
        return False
    if instance.task_state is not None:
        say('Instance %s is undergoing a task state transition: %s; '
            'skipping.' % (instance.uuid, instance.task_state))
        return False
    if placement.get_allocations(cctxt, instance.uuid)['allocations']:
        say('Instance %s already has allocations.' % instance.uuid)
        return False
    try:
        node = objects.ComputeNode.get_by_host_and_nodename(
            cctxt, instance.host, instance.node)
    except exception.NotFound:
        raise _HealError('Unable to find the compute node record for '
                         'host %s and node %s of instance %s.' % (
                             instance.host, instance.node, instance.uuid),
                         HEAL_NO_NODE)
    resources = sched_request.resources_of(instance.flavor)
    allocations = {node.uuid: resources}
    if dry_run:
        print('[dry-run] Would create allocations for instance %s on '
              'provider %s: %s' % (instance.uuid, node.uuid, resources))
        return True
    try:
        placement.claim(cctxt, instance.uuid, allocations,
                        instance.project_id, instance.user_id)
    except (exception.Invalid, exception.Conflict) as exc:
        raise _HealError('Unable to create allocations for instance %s '
                         'against resource provider %s: %s' % (
                             instance.uuid, node.uuid,
                             exc.format_message()), HEAL_FAILED)
    say('Created allocations for instance %s on provider %s: %s' % (
        instance.uuid, node.uuid, resources))
    return True


def heal_allocations(conf, max_count=None, verbose=False, dry_run=False,
                     instance_uuid=None):
    if instance_uuid and not uuidutils.is_uuid_like(instance_uuid):
        print('Invalid instance UUID: %s' % instance_uuid)
        return INVALID_INPUT
    if max_count is not None and max_count < 1:
        print('Must supply a positive integer for --max-count.')
        return INVALID_INPUT
    ctxt, placement = _setup(conf)
    say = print if verbose else (lambda message: None)
    processed = healed = 0
    try:
        for cctxt, instance in _instances_to_heal(ctxt, instance_uuid):
            if max_count is not None and processed >= max_count:
                print('Max count reached. Processed %d instances.'
                      % processed)
                return HEAL_MORE
            if _heal_one(cctxt, placement, instance, dry_run, say):
                healed += 1
                processed += 1
    except _HealError as exc:
        print(str(exc))
        return exc.code
    print('Processed %d instances.' % processed)
    if dry_run:
        print('Dry run: nothing was changed.')
    return HEAL_CREATED if healed else HEAL_NOTHING


# audit ---------------------------------------------------------------------

AUDIT_CLEAN, AUDIT_FOUND, AUDIT_DELETED = 0, 3, 4


@dataclasses.dataclass
class Orphan:
    consumer: str
    allocations: dict   # {rp uuid: {rc: amount}}


def _known_consumers(ctxt, uuids):
    """Those of uuids that are live instances or migrations in a cell."""
    known = set()
    for cell in _cells(ctxt):
        with nova_context.target_cell(ctxt, cell) as cctxt:
            with engines.main_reader(cctxt) as session:
                known.update(db_instances.live_consumer_uuids(session,
                                                              uuids))
    return known


def find_orphans(ctxt, placement, provider_uuid=None):
    """Allocations whose consumer is no instance or migration anywhere."""
    if provider_uuid:
        on_provider = placement.allocations_on_provider(ctxt, provider_uuid)
        consumers = {c: {provider_uuid: r} for c, r in on_provider.items()}
    else:
        consumers = {c: None for c in placement.consumers(ctxt)}
    known = _known_consumers(ctxt, list(consumers)) if consumers else set()
    orphans = []
    for consumer in sorted(set(consumers) - known):
        allocations = consumers[consumer] or placement.get_allocations(
            ctxt, consumer)['allocations']
        orphans.append(Orphan(consumer, allocations))
    return orphans


def audit(conf, verbose=False, delete=False, provider_uuid=None):
    if provider_uuid and not uuidutils.is_uuid_like(provider_uuid):
        print('Invalid resource provider UUID: %s' % provider_uuid)
        return INVALID_INPUT
    ctxt, placement = _setup(conf)
    try:
        orphans = find_orphans(ctxt, placement, provider_uuid)
    except exception.ResourceProviderNotFound:
        print('Resource provider with UUID %s does not exist.'
              % provider_uuid)
        return INVALID_INPUT
    for orphan in orphans:
        for rp_uuid, resources in sorted(orphan.allocations.items()):
            print('Allocations were set against consumer UUID %s on '
                  'resource provider %s (%s) but no existing instances or '
                  'migrations were found for it.' % (
                      orphan.consumer, rp_uuid, resources))
    if orphans and delete:
        placement.delete_allocations(ctxt, [o.consumer for o in orphans])
        for orphan in orphans:
            print('Deleted allocations for consumer UUID %s.'
                  % orphan.consumer)
    if verbose or not orphans:
        print('Processed %d orphaned consumer(s).' % len(orphans))
    if not orphans:
        return AUDIT_CLEAN
    return AUDIT_DELETED if delete else AUDIT_FOUND


# sync_aggregates -----------------------------------------------------------

(SYNC_OK, SYNC_MANY_NODES, SYNC_PLACEMENT_ERROR, SYNC_UPDATE_FAILED,
 SYNC_NO_MAPPING, SYNC_NO_NODE, SYNC_NO_PROVIDER) = range(7)


def _node_of(ctxt, host):
    """(compute node uuid, None) of a host, or (None, exit code)."""
    try:
        mapping = objects.HostMapping.get_by_host(ctxt, host)
    except exception.HostMappingNotFound:
        return None, SYNC_NO_MAPPING
    with nova_context.target_cell(ctxt, mapping.cell_mapping) as cctxt:
        nodes = objects.ComputeNodeList.get_all_by_host(cctxt, host)
    if not nodes:
        return None, SYNC_NO_NODE
    if len(nodes) > 1:
        return None, SYNC_MANY_NODES
    return nodes[0].uuid, None


def sync_aggregates(conf, verbose=False):
    ctxt, placement = _setup(conf)
    wanted = {}   # host -> set of aggregate uuids
    for aggregate in objects.AggregateList.get_all(ctxt):
        for host in aggregate.hosts:
            wanted.setdefault(host, set()).add(aggregate.uuid)
    failures = {}
    for host, aggregate_uuids in sorted(wanted.items()):
        node_uuid, code = _node_of(ctxt, host)
        if code is None and placement.get_provider(ctxt, node_uuid) is None:
            code = SYNC_NO_PROVIDER
        if code is not None:
            failures[host] = code
            continue
        missing = aggregate_uuids - placement.get_aggregates(ctxt, node_uuid)
        for aggregate_uuid in sorted(missing):
            try:
                placement.add_to_aggregate(ctxt, node_uuid, aggregate_uuid)
            except exception.NovaException as exc:
                print('Failed updating provider aggregates for host (%s), '
                      'provider (%s): %s' % (host, node_uuid,
                                             exc.format_message()))
                failures[host] = SYNC_UPDATE_FAILED
                break
            if verbose:
                print('Successfully added host (%s) and its provider (%s) '
                      'to aggregate (%s).' % (host, node_uuid,
                                              aggregate_uuid))
    return _sync_report(failures)


_SYNC_MESSAGES = {
    SYNC_MANY_NODES: 'Unexpected number of compute node records for host',
    SYNC_UPDATE_FAILED: 'Failed updating provider aggregates for host',
    SYNC_NO_MAPPING: 'No host mapping found for host',
    SYNC_NO_NODE: 'No compute node record found for host',
    SYNC_NO_PROVIDER: 'No resource provider found for the compute node of '
                      'host',
}


def _sync_report(failures):
    for host, code in sorted(failures.items()):
        print('%s %s.' % (_SYNC_MESSAGES[code], host))
    if not failures:
        return SYNC_OK
    # Several kinds of failure: the first by Nova's order of codes.
    return min(failures.values())


def _opt(*flags, **kwargs):
    return flags, kwargs


_VERBOSE = _opt('--verbose', action='store_true', help='Say more.')

COMMANDS = {
    'heal_allocations': (
        heal_allocations,
        'Create missing allocations for instances on their compute node.',
        [_opt('--max-count', dest='max_count', type=int,
              help='Heal at most this many instances (exit 1 if more '
                   'remain).'),
         _VERBOSE,
         _opt('--dry-run', dest='dry_run', action='store_true',
              help='Print what would be healed; change nothing.'),
         _opt('--instance', dest='instance_uuid',
              help='Only this instance.')]),
    'audit': (
        audit, 'Find (and with --delete remove) orphaned allocations.',
        [_VERBOSE,
         _opt('--delete', action='store_true',
              help='Delete the orphaned allocations found.'),
         _opt('--resource_provider', dest='provider_uuid',
              help='Only allocations against this provider.')]),
    'sync_aggregates': (
        sync_aggregates,
        'Mirror the hosts of nova host aggregates into placement '
        'aggregates.', [_VERBOSE]),
}
