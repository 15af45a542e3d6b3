"""Compute API microversions: the one list, and the request negotiation.

A request names its version with ``OpenStack-API-Version: compute 2.X``
(from 2.27) or the older ``X-OpenStack-Nova-API-Version: 2.X``; ``latest``
means the maximum. No header means 2.1. A version outside [min, max] is
answered with 406, an ill-formed one with 400.

Versions are plain ``(major, minor)`` tuples so that handlers compare them
cheaply: ``if req.api_version >= (2, 47): ...``.

Each line below says what the version changed in the whole compute API;
a change to a resource this project does not serve yet is marked ``(n/a)``
and costs nothing to claim, because the resource answers 404 at every
version. ``doc/api/microversions.rst`` is the long form.
"""
import re

import microversion_parse

from nova import exception

VERSIONS = [
    ('2.1', 'Base v2.1 API: v2.0 shapes with strict input validation.'),
    ('2.2', 'Keypair type ssh/x509; keypair create 201, delete 204 (n/a).'),
    ('2.3', 'More OS-EXT-SRV-ATTR server attributes for admins.'),
    ('2.4', 'Reserved status of fixed IPs (n/a).'),
    ('2.5', 'ip6 server list filter for non-admins.'),
    ('2.6', 'POST /servers/{id}/remote-consoles (n/a).'),
    ('2.7', 'Adding access to a public flavor is a 409.'),
    ('2.8', 'MKS remote console (n/a).'),
    ('2.9', 'locked in server show and detail.'),
    ('2.10', 'Keypairs of another user for admins (n/a).'),
    ('2.11', 'forced_down of services (n/a).'),
    ('2.12', 'net_id of virtual interfaces (n/a).'),
    ('2.13', 'project_id and user_id of server groups.'),
    ('2.14', 'onSharedStorage dropped from evacuate (n/a).'),
    ('2.15', 'soft-affinity server group policies.'),
    ('2.16', 'host_status in server show and detail.'),
    ('2.17', 'trigger_crash_dump server action (n/a).'),
    ('2.18', 'project_id optional in URLs.'),
    ('2.19', 'Server description in create and show.'),
    ('2.20', 'Volume attach/detach of shelved servers (n/a).'),
    ('2.21', 'Instance actions of deleted servers.'),
    ('2.22', 'Force-complete of live migrations (n/a).'),
    ('2.23', 'Migration id and type in migration lists (n/a).'),
    ('2.24', 'Abort of live migrations (n/a).'),
    ('2.25', 'block_migration "auto" in live migration (n/a).'),
    ('2.26', 'Server tags: tags in show/detail, tag filters in lists.'),
    ('2.27', 'OpenStack-API-Version header accepted and returned.'),
    ('2.28', 'cpu_info of hypervisors as a JSON object (n/a).'),
    ('2.29', 'force of evacuate (n/a).'),
    ('2.30', 'force of live migration (n/a).'),
    ('2.31', 'Console tokens of the serial console (n/a).'),
    ('2.32', 'Device tag on networks and block devices in server create.'),
    ('2.33', 'Paging of hypervisor lists (n/a); block device tags lost.'),
    ('2.34', 'Asynchronous live-migration checks (n/a).'),
    ('2.35', 'Paging of keypair lists (n/a).'),
    ('2.36', 'Proxy APIs to other services removed: /images is a 404.'),
    ('2.37', 'networks required in server create: "auto", "none" or a '
             'list; network tags lost.'),
    ('2.38', 'A server list filtered by an unknown status is a 400.'),
    ('2.39', 'Image metadata proxy removed; maxImageMeta dropped from '
             'limits (n/a).'),
    ('2.40', 'Paging of simple tenant usage (n/a).'),
    ('2.41', 'uuid of aggregates.'),
    ('2.42', 'Device tags back in server create.'),
    ('2.43', 'os-hosts deprecated (n/a).'),
    ('2.44', 'Network proxy server actions deprecated (n/a).'),
    ('2.45', 'createImage returns the image id in its body, no '
             'Location.'),
    ('2.46', 'X-OpenStack-Request-ID besides X-Compute-Request-ID (a '
             'signal).'),
    ('2.47', 'Flavor embedded in servers instead of a link.'),
    ('2.48', 'Standard server diagnostics (n/a).'),
    ('2.49', 'Tag of volume attachments (n/a).'),
    ('2.50', 'server_groups quotas in quota classes (n/a).'),
    ('2.51', 'Events of instance actions for non-admins; '
             'volume-extended external event (n/a).'),
    ('2.52', 'tags in server create.'),
    ('2.53', 'Services and hypervisors by uuid (n/a).'),
    ('2.54', 'key_name in rebuild (n/a).'),
    ('2.55', 'Flavor description; PUT /flavors/{id}.'),
    ('2.56', 'host in cold migrate (n/a).'),
    ('2.57', 'personality dropped from server create.'),
    ('2.58', 'Paging, changes-since and updated_at of instance '
             'actions.'),
    ('2.59', 'Paging of migrations (n/a).'),
    ('2.60', 'Multiattach volumes (n/a).'),
    ('2.61', 'Flavor extra_specs in flavor bodies.'),
    ('2.62', 'host and hostId of instance action events.'),
    ('2.63', 'trusted_image_certificates in server create and show.'),
    ('2.64', 'policy and rules of server groups.'),
    ('2.65', 'Abort of queued live migrations (n/a).'),
    ('2.66', 'changes-before filter of server lists and instance '
             'actions.'),
    ('2.67', 'volume_type of block device mappings in server create.'),
    ('2.68', 'force dropped from evacuate and live migration (n/a).'),
    ('2.69', 'Minimal server bodies for servers in down cells.'),
    ('2.70', 'Device tags of volume attachments and interfaces (n/a).'),
    ('2.71', 'server_groups in server show.'),
    ('2.72', 'Ports with resource requests in server create.'),
    ('2.73', 'locked_reason in server show; locked filter and sort key.'),
    ('2.74', 'host and hypervisor_hostname in server create.'),
    ('2.75', 'Unknown query parameters are a 400; flavor swap 0 not "".'),
    ('2.76', 'power-update external event (n/a).'),
    ('2.77', 'availability_zone of unshelve (n/a).'),
    ('2.78', 'GET /servers/{id}/topology (n/a).'),
    ('2.79', 'delete_on_termination of volume attachments (n/a).'),
    ('2.80', 'user_id and project_id of migrations (n/a).'),
    ('2.81', 'Image pre-caching on the hosts of an aggregate.'),
    ('2.82', 'accelerator-request-bound external event (n/a).'),
    ('2.83', 'More server list filters for non-admins.'),
    ('2.84', 'details of instance action events.'),
    ('2.85', 'Update delete_on_termination of volume attachments (n/a).'),
    ('2.86', 'Validation of known flavor extra specs.'),
    ('2.87', 'Rescue of volume-backed servers (n/a).'),
    ('2.88', 'Hypervisor fields removed (n/a).'),
    ('2.89', 'attachment_id and bdm_uuid of volume attachments (n/a).'),
    ('2.90', 'hostname in server create; shown to everyone.'),
    ('2.91', 'Unshelve to a host (n/a).'),
    ('2.92', 'Keypair import requires a public key (n/a).'),
    ('2.93', 'Rebuild of volume-backed servers (n/a).'),
    ('2.94', 'hostname may be a fully qualified domain name.'),
    ('2.95', 'Evacuated servers stay stopped (n/a).'),
    ('2.96', 'pinned_availability_zone in server show and detail.'),
    ('2.97', 'Shares of servers (n/a).'),
    ('2.98', 'Image properties in the image of server show and detail.'),
    ('2.99', 'spice-direct consoles (n/a).'),
    ('2.100', 'scheduler_hints in server show and detail.'),
]


_VERSION_RE = re.compile(r'^([1-9][0-9]*)\.([1-9][0-9]*|0)$')


def parse(text):
    """'2.47' -> (2, 47); raises InvalidAPIVersionString."""
    match = _VERSION_RE.match(text or '')
    if match is None:
        raise exception.InvalidAPIVersionString(version=text)
    return (int(match.group(1)), int(match.group(2)))


def fmt(version):
    return '%d.%d' % version


MIN_VERSION = parse(VERSIONS[0][0])
MAX_VERSION = parse(VERSIONS[-1][0])
DEFAULT_VERSION = MIN_VERSION
LEGACY_HEADER = 'X-OpenStack-Nova-API-Version'
HEADER = 'OpenStack-API-Version'
SERVICE_TYPE = 'compute'


def from_headers(headers):
    """The version a request asks for, checked against [min, max]."""
    try:
        text = microversion_parse.get_version(
            headers, SERVICE_TYPE, legacy_headers=[LEGACY_HEADER])
    except ValueError:
        raise exception.InvalidAPIVersionString(version='')
    if text is None:
        return DEFAULT_VERSION
    text = text.strip()
    if text.lower() == 'latest':
        return MAX_VERSION
    version = parse(text)
    if not MIN_VERSION <= version <= MAX_VERSION:
        raise exception.InvalidGlobalAPIVersion(
            req_ver=text, min_ver=fmt(MIN_VERSION), max_ver=fmt(MAX_VERSION))
    return version


def response_headers(version):
    """Headers every microversioned response carries."""
    text = fmt(version)
    return [(HEADER, '%s %s' % (SERVICE_TYPE, text)),
            (LEGACY_HEADER, text),
            ('Vary', '%s, %s' % (HEADER, LEGACY_HEADER))]
