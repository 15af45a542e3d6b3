"""Request filters: turn a request into placement's query.

What placement can decide, it decides, for all hosts at once and before
any host is loaded: the availability zone and tenant isolation become
``member_of``/forbidden aggregates, a disabled compute the forbidden trait
COMPUTE_STATUS_DISABLED, the image's disk format a required
COMPUTE_IMAGE_TYPE_* trait, flavor ``trait:`` extra specs required or
forbidden traits, a forced node ``in_tree``.

Each constraint is also kept apart (Constraint) so a NoValidHost can say
which one left no host.
"""
import dataclasses

import os_traits

from nova.placement.candidates import request as cand
from nova.scheduler.filters import aggregate_multitenancy_isolation as amt

DISABLED_TRAIT = 'COMPUTE_STATUS_DISABLED'
IMAGE_TYPE_PREFIX = 'COMPUTE_IMAGE_TYPE_'


class NoHostPossible(Exception):
    """The request cannot match any host whatever placement holds."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


@dataclasses.dataclass
class Constraint:
    """One condition on the providers, and how to tell a tenant about it."""
    name: str
    reason: str          # "no host with room for it <reason>"
    required: list = dataclasses.field(default_factory=list)
    forbidden: set = dataclasses.field(default_factory=set)
    member_of: list = dataclasses.field(default_factory=list)
    forbidden_aggs: set = dataclasses.field(default_factory=set)
    in_tree: str = None


@dataclasses.dataclass
class PlacementQuery:
    resources: dict
    constraints: list
    limit: int = None

    def request(self, constraints=None, resources=None):
        """A CandidateRequest with these constraints (default: all)."""
        group = cand.RequestGroup(resources=dict(
            resources if resources is not None else self.resources))
        for c in self.constraints if constraints is None else constraints:
            group.required_traits.extend(c.required)
            group.forbidden_traits |= c.forbidden
            group.member_of.extend(c.member_of)
            group.forbidden_aggs |= c.forbidden_aggs
            group.in_tree = c.in_tree or group.in_tree
        limit = None if group.in_tree else self.limit
        return cand.CandidateRequest(groups=[group], limit=limit)

    def describe(self):
        text = ', '.join('%s=%d' % kv for kv in sorted(
            self.resources.items())) + ''.join(
            '; ' + c.name for c in self.constraints)
        if self.limit:
            text += '; limit %d' % self.limit
        return text


def build(conf, request, aggregates, host_manager):
    """The PlacementQuery of a SchedulingRequest; raises NoHostPossible."""
    constraints = [Constraint('enabled compute',
                              'is on an enabled compute service',
                              forbidden={DISABLED_TRAIT})]
    if conf.scheduler.query_placement_for_availability_zone:
        zone = _zone_constraint(request, aggregates)
        if zone:
            constraints.append(zone)
    if conf.scheduler.limit_tenants_to_placement_aggregate:
        tenant = _tenant_constraint(conf, request, aggregates)
        if tenant:
            constraints.append(tenant)
    if conf.scheduler.query_placement_for_image_type_support:
        image = _image_type_constraint(request)
        if image:
            constraints.append(image)
    traits = _flavor_trait_constraint(request)
    if traits:
        constraints.append(traits)
    forced = _forced_constraint(request, host_manager)
    if forced:
        constraints.append(forced)
    return PlacementQuery(resources=request.resources,
                          constraints=constraints,
                          limit=conf.scheduler.max_placement_results)


def _zone_constraint(request, aggregates):
    zone = request.availability_zone
    if not zone:
        return None
    in_zone = {a.uuid for a in aggregates if a.availability_zone == zone}
    if zone == request.default_zone:
        # The default zone is every host not in another zone's aggregate.
        others = {a.uuid for a in aggregates
                  if a.availability_zone and a.availability_zone != zone}
        if not others:
            return None
        return Constraint('availability zone %s' % zone,
                          'is in availability zone %s' % zone,
                          forbidden_aggs=others)
    if not in_zone:
        raise NoHostPossible('availability zone %s has no hosts' % zone)
    return Constraint('availability zone %s' % zone,
                      'is in availability zone %s' % zone,
                      member_of=[in_zone])


def _tenant_constraint(conf, request, aggregates):
    mine = {a.uuid for a in aggregates
            if request.project_id in amt.tenants_of(a)}
    if mine:
        return Constraint('project aggregates',
                          'is in an aggregate of your project',
                          member_of=[mine])
    if conf.scheduler.placement_aggregate_required_for_tenants:
        raise NoHostPossible('no host aggregate is available to your '
                             'project')
    return None


def _image_type_constraint(request):
    disk_format = request.image_props.get('disk_format')
    if not disk_format:
        return None
    trait = IMAGE_TYPE_PREFIX + str(disk_format).upper()
    if not os_traits.is_custom(trait) and trait not in _STANDARD_TRAITS:
        return None  # a format no driver can declare support for
    return Constraint('image type %s' % disk_format,
                      'supports %s images' % disk_format,
                      required=[{trait}])


_STANDARD_TRAITS = frozenset(os_traits.get_traits(IMAGE_TYPE_PREFIX))


def _flavor_trait_constraint(request):
    required, forbidden = [], set()
    for key, value in request.extra_specs.items():
        if not key.startswith('trait:'):
            continue
        name = key[len('trait:'):]
        if value == 'required':
            required.append({name})
        elif value == 'forbidden':
            forbidden.add(name)
    if not (required or forbidden):
        return None
    return Constraint('flavor traits', "has the traits the flavor asks for",
                      required=required, forbidden=forbidden)


def _forced_constraint(request, host_manager):
    """An admin's forced host or node: its provider's tree only."""
    if not (request.force_hosts or request.force_nodes):
        return None
    nodes = host_manager.nodes_matching(request.force_hosts,
                                        request.force_nodes)
    if not nodes:
        raise NoHostPossible('the requested host is not a known compute '
                             'host')
    if len(nodes) > 1:
        return None  # several nodes: the forced-host filter picks
    return Constraint('forced host', 'is the requested host',
                      in_tree=nodes[0].uuid)
