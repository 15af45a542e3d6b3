"""Policies of /servers, and of the server attributes only some may see."""
from oslo_policy import policy

from nova.policies import base

SERVERS = 'os_compute_api:servers:%s'
EXTENDED_ATTRIBUTES = 'os_compute_api:os-extended-server-attributes'
REQUESTED_DESTINATION = 'compute:servers:create:requested_destination'


def _rule(name, check, description, method, path):
    return policy.DocumentedRuleDefault(
        name=name, check_str=check, description=description,
        operations=[{'method': method, 'path': path}],
        scope_types=['project'])


rules = [
    _rule(SERVERS % 'index', base.PROJECT_READER_OR_ADMIN,
          'List servers.', 'GET', '/servers'),
    _rule(SERVERS % 'detail', base.PROJECT_READER_OR_ADMIN,
          'List servers with details.', 'GET', '/servers/detail'),
    _rule(SERVERS % 'index:get_all_tenants', base.ADMIN,
          'List the servers of every project (all_tenants).',
          'GET', '/servers'),
    _rule(SERVERS % 'detail:get_all_tenants', base.ADMIN,
          'List the servers of every project with details (all_tenants).',
          'GET', '/servers/detail'),
    _rule(SERVERS % 'allow_all_filters', base.ADMIN,
          'Filter server lists by any attribute, not only the few '
          'documented for everyone.', 'GET', '/servers'),
    _rule(SERVERS % 'show', base.PROJECT_READER_OR_ADMIN,
          'Show a server.', 'GET', '/servers/{server_id}'),
    _rule(SERVERS % 'show:host_status', base.ADMIN,
          'Show host_status (2.16) of servers.',
          'GET', '/servers/{server_id}'),
    _rule(SERVERS % 'show:host_status:unknown-only', base.ADMIN,
          'Show host_status only when it is UNKNOWN (when the full '
          'host_status rule does not pass).', 'GET', '/servers/{server_id}'),
    _rule(SERVERS % 'create', base.PROJECT_MEMBER_OR_ADMIN,
          'Create servers.', 'POST', '/servers'),
    _rule(SERVERS % 'create:forced_host', base.ADMIN,
          'Create a server on a host named in availability_zone '
          '("zone:host:node").', 'POST', '/servers'),
    _rule(REQUESTED_DESTINATION, base.ADMIN,
          'Create a server on a host or node named by host or '
          'hypervisor_hostname (2.74).', 'POST', '/servers'),
    _rule(SERVERS % 'create:attach_volume', base.PROJECT_MEMBER_OR_ADMIN,
          'Create a server with block device mappings.', 'POST', '/servers'),
    _rule(SERVERS % 'create:attach_network', base.PROJECT_MEMBER_OR_ADMIN,
          'Create a server with requested networks.', 'POST', '/servers'),
    _rule(SERVERS % 'create:trusted_certs', base.PROJECT_MEMBER_OR_ADMIN,
          'Create a server with trusted image certificates (2.63).',
          'POST', '/servers'),
    _rule(SERVERS % 'create:zero_disk_flavor', base.ADMIN,
          'Create an image-backed server with a flavor of zero disk.',
          'POST', '/servers'),
    _rule(SERVERS % 'delete', base.PROJECT_MEMBER_OR_ADMIN,
          'Delete a server.', 'DELETE', '/servers/{server_id}'),
    _rule(EXTENDED_ATTRIBUTES, base.ADMIN,
          'Show the OS-EXT-SRV-ATTR:* attributes of servers (hostname is '
          'shown to everyone from 2.90).', 'GET', '/servers/{server_id}'),
]


def list_rules():
    return rules
