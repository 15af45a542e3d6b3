"""Host aggregates: the rules of os-aggregates, and their placement mirror.

Every nova aggregate has a placement aggregate of the same uuid holding the
compute node providers of its hosts, so that the scheduler can ask
placement for hosts of an aggregate (``member_of``: availability zones,
tenant isolation). Changing a nova aggregate's hosts changes the mirror
right after; a provider placement does not know yet (a compute that has
not reported) is skipped with a warning, and ``nova-manage placement
sync_aggregates`` mends any gap.

``cache_images`` (2.81) checks a pre-cache request and hands it to the
conductor (nova.conductor.image_precache).
"""
from oslo_log import log as logging

from nova import context as nova_context
from nova import exception
from nova import objects
from nova.objects import aggregate as aggregate_obj

LOG = logging.getLogger(__name__)
AZ_KEY = aggregate_obj.AZ_KEY


def find_compute_host(context, host):
    """(cell mapping, compute Service) of a compute host, or 404."""
    try:
        cells = [objects.HostMapping.get_by_host(context, host).cell_mapping]
    except exception.HostMappingNotFound:
        # Not discovered yet: look in every cell.
        cells = [c for c in objects.CellMappingList.get_all(context)
                 if not c.is_cell0]
    for cell in cells:
        with nova_context.target_cell(context, cell) as cctxt:
            try:
                return cell, objects.Service.get_by_compute_host(cctxt, host)
            except exception.ComputeHostNotFound:
                continue
    raise exception.ComputeHostNotFound(host=host)


def node_uuids(context, host):
    """Uuids of the compute nodes (placement providers) of a host."""
    cell, _service = find_compute_host(context, host)
    with nova_context.target_cell(context, cell) as cctxt:
        return [n.uuid for n in
                objects.ComputeNodeList.get_all_by_host(cctxt, host)]


def placement_aggregates_of_host(context, host):
    """Uuids of the placement aggregates host's providers belong in: those
    of its nova aggregates. For whoever creates a host's provider (the
    resource tracker's report through the conductor), so a host added to
    an aggregate before it first reported is mirrored at once."""
    return {a.uuid for a in objects.AggregateList.get_by_host(context, host)}


class AggregateAPI:
    def __init__(self, conf, placement=None, image_api=None,
                 compute_task_api=None):
        self.conf = conf
        self._placement = placement
        self._image_api = image_api
        self._compute_task_api = compute_task_api

    @property
    def placement(self):
        if self._placement is None:
            from nova.placement import direct
            self._placement = direct.Placement(self.conf)
        return self._placement

    @property
    def image_api(self):
        if self._image_api is None:
            from nova.image import api as image_api
            self._image_api = image_api.API(self.conf)
        return self._image_api

    @property
    def compute_task_api(self):
        # Built on first use: an RPC client only image pre-caching needs.
        if self._compute_task_api is None:
            from nova.conductor import rpcapi as conductor_rpcapi
            self._compute_task_api = conductor_rpcapi.ComputeTaskAPI(
                self.conf)
        return self._compute_task_api

    # -- read ----------------------------------------------------------

    @staticmethod
    def get(context, aggregate_id):
        return objects.Aggregate.get_by_id(context, aggregate_id)

    @staticmethod
    def get_all(context):
        return objects.AggregateList.get_all(context)

    # -- write ---------------------------------------------------------

    def create(self, context, name, availability_zone=None):
        self._check_zone_name(availability_zone, 'create', name)
        aggregate = objects.Aggregate(
            context, name=name,
            metadata={AZ_KEY: availability_zone} if availability_zone
            else {})
        aggregate.create()
        return aggregate

    def update(self, context, aggregate_id, name=None, **zone):
        """Rename and/or (with availability_zone=...) change the zone."""
        aggregate = self.get(context, aggregate_id)
        if 'availability_zone' in zone:
            new_zone = zone['availability_zone']
            self._check_new_zone(context, aggregate, new_zone, 'update')
            aggregate.update_metadata({AZ_KEY: new_zone})
        if name is not None and name != aggregate.name:
            aggregate.name = name
            aggregate.save()
        return aggregate

    def update_metadata(self, context, aggregate_id, metadata):
        aggregate = self.get(context, aggregate_id)
        if AZ_KEY in metadata:
            self._check_new_zone(context, aggregate, metadata[AZ_KEY],
                                 'update aggregate metadata')
        aggregate.update_metadata(metadata)
        return aggregate

    def delete(self, context, aggregate_id):
        aggregate = self.get(context, aggregate_id)
        if aggregate.hosts:
            raise exception.InvalidAggregateAction(
                action='delete', aggregate_id=aggregate_id,
                reason='Host aggregate is not empty')
        aggregate.destroy()

    def add_host(self, context, aggregate_id, host):
        aggregate = self.get(context, aggregate_id)
        find_compute_host(context, host)
        zone = aggregate.availability_zone
        if zone:
            others = {a.availability_zone for a in
                      objects.AggregateList.get_by_host(context, host,
                                                        key=AZ_KEY)
                      if a.id != aggregate.id}
            if others - {zone}:
                raise exception.AggregateHostZoneConflict(
                    aggregate_id=aggregate_id, zones=sorted(others))
        aggregate.add_host(host)
        self._mirror(context, aggregate, host, add=True)
        return aggregate

    def remove_host(self, context, aggregate_id, host):
        aggregate = self.get(context, aggregate_id)
        find_compute_host(context, host)
        aggregate.delete_host(host)
        self._mirror(context, aggregate, host, add=False)
        return aggregate

    # -- image pre-caching (2.81) ---------------------------------------

    def cache_images(self, context, aggregate_id, image_ids):
        """Ask the conductor to pre-cache images on the aggregate's hosts,
        in the background and best effort (nova.conductor.image_precache).

        As in Nova, the aggregate must exist (404) and the caller must be
        able to get every image (else 400); the hosts are not checked, and
        an aggregate with no hosts is accepted (nothing to do).
        """
        aggregate = self.get(context, aggregate_id)
        for image_id in image_ids:
            try:
                self.image_api.get(context, image_id)
            except exception.ImageNotFound:
                raise exception.PrecacheImageNotFound(image_id=image_id)
        self.compute_task_api.cache_images(context, aggregate, image_ids)

    # -- helpers -------------------------------------------------------

    def _check_zone_name(self, zone, action, aggregate_id):
        if zone is not None and \
                zone == self.conf.internal_service_availability_zone:
            raise exception.InvalidAggregateAction(
                action=action, aggregate_id=aggregate_id,
                reason='The availability zone %s is reserved for internal '
                       'services' % zone)

    def _check_new_zone(self, context, aggregate, zone, action):
        """A host is in one zone: its other zone aggregates must agree,
        and servers already running there keep the zone they were given.
        """
        self._check_zone_name(zone, action, aggregate.id)
        if not aggregate.hosts or zone == aggregate.availability_zone:
            return
        busy = aggregate_obj.hosts_with_instances(context, aggregate.hosts)
        if busy:
            raise exception.InvalidAggregateAction(
                action=action, aggregate_id=aggregate.id,
                reason='One or more hosts contain instances in this zone '
                       '(%s)' % ', '.join(sorted(busy)))
        if not zone:
            return
        for other in objects.AggregateList.get_by_metadata_key(
                context, AZ_KEY, hosts=aggregate.hosts):
            if other.id != aggregate.id and other.availability_zone != zone:
                raise exception.InvalidAggregateAction(
                    action=action, aggregate_id=aggregate.id,
                    reason='One or more hosts contained in this aggregate '
                           'are in availability zone %s, which conflicts '
                           'with the new one' % other.availability_zone)

    def _mirror(self, context, aggregate, host, add):
        change = (self.placement.add_to_aggregate if add
                  else self.placement.remove_from_aggregate)
        for node_uuid in node_uuids(context, host):
            try:
                change(context, node_uuid, aggregate.uuid)
            except exception.ResourceProviderNotFound:
                LOG.warning(
                    'Host %s has no resource provider %s in placement yet; '
                    'aggregate %s is not mirrored for it. Run "nova-manage '
                    'placement sync_aggregates" once it has reported.',
                    host, node_uuid, aggregate.uuid)

