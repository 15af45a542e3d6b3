"""What a caller asks for, and what it gets back.

These are plain dataclasses so that the scheduler can build a request
in-process without going through query-string parsing; the REST handler
builds the same objects from ``GET /allocation_candidates``.
"""
import dataclasses


@dataclasses.dataclass
class RequestGroup:
    """One request group.

    The unsuffixed group (``suffix=''``) may be satisfied by several
    providers of one tree (its resources spread over the tree, its traits
    held collectively); a suffixed (granular) group by exactly one
    provider.

    :param resources: {resource class name: amount}
    :param required_traits: list of sets of trait names; every set must
        be matched by at least one of its names (``in:`` is any-of).
    :param forbidden_traits: trait names no provider of the group may have.
    :param member_of: list of sets of aggregate uuids; the provider (or
        its root) must be in at least one aggregate of every set.
    :param forbidden_aggs: aggregate uuids the provider (and its root)
        must not be in.
    :param in_tree: a provider uuid; only providers of its tree qualify.
    """
    resources: dict = dataclasses.field(default_factory=dict)
    required_traits: list = dataclasses.field(default_factory=list)
    forbidden_traits: set = dataclasses.field(default_factory=set)
    member_of: list = dataclasses.field(default_factory=list)
    in_tree: str = None
    suffix: str = ''
    forbidden_aggs: set = dataclasses.field(default_factory=set)

    @property
    def granular(self):
        return self.suffix != ''

    @property
    def has_constraints(self):
        return bool(self.resources or self.required_traits or
                    self.forbidden_traits or self.member_of or
                    self.forbidden_aggs or self.in_tree)


@dataclasses.dataclass
class CandidateRequest:
    """A whole request: its groups and the request-wide parameters.

    :param group_policy: 'isolate' (every suffixed group on a provider
        of its own), 'none' or None.
    :param limit: at most this many allocation requests (None: all).
    :param root_required: trait names the tree's root must have.
    :param root_forbidden: trait names the tree's root must not have.
    :param same_subtree: list of lists of suffixes; the providers of the
        named groups must all lie under one of them.
    :param nested_aware: False reproduces microversions before 1.29: no
        allocation request takes resources from two providers of a tree.
    """
    groups: list
    group_policy: str = None
    limit: int = None
    root_required: tuple = ()
    root_forbidden: tuple = ()
    same_subtree: tuple = ()
    nested_aware: bool = True


@dataclasses.dataclass
class Candidates:
    """allocation_requests: [{'allocations': {rp_uuid: {'resources':
    {rc: n}}}, 'mappings': {suffix: [rp_uuid]}}]; provider_summaries:
    {rp_uuid: {'resources': {rc: {'capacity': c, 'used': u}}, 'traits':
    [names], 'parent_provider_uuid': .., 'root_provider_uuid': ..}}."""
    allocation_requests: list
    provider_summaries: dict
