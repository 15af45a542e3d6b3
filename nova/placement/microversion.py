"""Placement microversions: the one list, and the request negotiation.

A request names its version with ``OpenStack-API-Version: placement 1.X``
(``latest`` means the maximum); no header means 1.0. An ill-formed value
is a 400, one outside [min, max] a 406. Every response says which version
answered (``OpenStack-API-Version``) and ``Vary: openstack-api-version``.
Versions are ``(1, X)`` tuples: ``if req.version >= (1, 14): ...``.
doc/api/placement.rst is the long form of this list.
"""
import microversion_parse

from nova import exception

SERVICE_TYPE = 'placement'
HEADER = 'OpenStack-API-Version'

VERSIONS = [
    ('1.0', 'Providers, inventories, allocations, usages.'),
    ('1.1', 'Provider aggregates: GET/PUT /resource_providers/{u}/'
            'aggregates.'),
    ('1.2', 'Custom resource classes: /resource_classes.'),
    ('1.3', 'member_of filter on GET /resource_providers.'),
    ('1.4', 'resources filter on GET /resource_providers.'),
    ('1.5', 'DELETE /resource_providers/{u}/inventories (all of them).'),
    ('1.6', 'Traits: /traits and /resource_providers/{u}/traits.'),
    ('1.7', 'PUT /resource_classes/{name} creates, with no body.'),
    ('1.8', 'project_id and user_id required in PUT /allocations/{c}.'),
    ('1.9', 'GET /usages?project_id=&user_id=.'),
    ('1.10', 'GET /allocation_candidates.'),
    ('1.11', 'allocations link of resource providers.'),
    ('1.12', 'Allocations as a dict keyed by provider in PUT/GET '
             '/allocations/{c}; project_id/user_id in GET.'),
    ('1.13', 'POST /allocations: several consumers at once.'),
    ('1.14', 'Nested providers: parent/root uuids, in_tree filter.'),
    ('1.15', 'Last-Modified and cache-control headers.'),
    ('1.16', 'limit on GET /allocation_candidates.'),
    ('1.17', 'required traits on GET /allocation_candidates.'),
    ('1.18', 'required traits on GET /resource_providers.'),
    ('1.19', 'Aggregates carry and check the provider generation.'),
    ('1.20', 'POST /resource_providers returns the provider (200).'),
    ('1.21', 'member_of on GET /allocation_candidates.'),
    ('1.22', 'Forbidden traits (required=!TRAIT).'),
    ('1.23', 'code in error bodies.'),
    ('1.24', 'member_of may repeat (all of the groups).'),
    ('1.25', 'Granular request groups on GET /allocation_candidates.'),
    ('1.26', 'Inventory with reserved equal to total.'),
    ('1.27', 'Every inventory class in provider_summaries.'),
    ('1.28', 'Consumer generations on allocations.'),
    ('1.29', 'Nested providers in allocation candidates.'),
    ('1.30', 'POST /reshaper.'),
    ('1.31', 'in_tree on GET /allocation_candidates.'),
    ('1.32', 'Forbidden aggregates (member_of=!...).'),
    ('1.33', 'Request group suffixes of any length and characters.'),
    ('1.34', 'mappings in allocation requests.'),
    ('1.35', 'root_required on GET /allocation_candidates.'),
    ('1.36', 'same_subtree on GET /allocation_candidates.'),
    ('1.37', 'Re-parenting and un-parenting providers.'),
    ('1.38', 'Consumer types on allocations and usages.'),
    ('1.39', 'any-of traits (required=in:A,B).'),
]


def _parse(text):
    major, _, minor = text.partition('.')
    return int(major), int(minor)


MIN_VERSION = _parse(VERSIONS[0][0])
MAX_VERSION = _parse(VERSIONS[-1][0])


def to_string(version):
    return '%d.%d' % version


class InvalidVersion(exception.Invalid):
    msg_fmt = 'invalid version string: %(value)s'


class UnsupportedVersion(exception.NotAcceptable):
    msg_fmt = ('Unacceptable version header: %(value)s')


def from_headers(headers):
    """The requested version as a tuple; 400/406 when unusable."""
    value = microversion_parse.get_version(headers,
                                           service_type=SERVICE_TYPE)
    if value is None:
        return MIN_VERSION
    value = value.strip()
    if value == 'latest':
        return MAX_VERSION
    try:
        version = _parse(value)
    except ValueError:
        raise InvalidVersion(value=value)
    if not MIN_VERSION <= version <= MAX_VERSION:
        raise UnsupportedVersion(value=value)
    return version


def response_headers(version):
    return [(HEADER, '%s %s' % (SERVICE_TYPE, to_string(version))),
            ('Vary', HEADER.lower())]
