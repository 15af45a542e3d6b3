"""Schemas of /servers: the create body and the list query string.

Both change with the microversion; :func:`create` and :func:`list_query`
build the schema of a version once and cache it.
"""
import functools

from nova.api import validation as v

_TAG = {'type': 'string', 'minLength': 1, 'maxLength': 60,
        'pattern': '^[^,/]*$'}
_HOSTNAME_290 = {'type': 'string', 'minLength': 1, 'maxLength': 63,
                 'pattern': r'^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$'}
_HOSTNAME_294 = {'type': 'string', 'minLength': 1, 'maxLength': 255,
                 'pattern': r'^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?'
                            r'(\.[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?)*$'}
_HOST = {'type': 'string', 'minLength': 1, 'maxLength': 255,
         'pattern': r'^[a-zA-Z0-9-._]*$'}
_IP = {'type': 'string', 'oneOf': [{'format': 'ipv4'}, {'format': 'ipv6'}]}
_UUID_OR_NULL = {'oneOf': [v.uuid, {'type': 'null'}]}


def _network(with_tag):
    props = {'uuid': {'type': 'string'}, 'port': _UUID_OR_NULL,
             'fixed_ip': _IP}
    if with_tag:
        props['tag'] = _TAG
    return {'type': 'object', 'properties': props,
            'additionalProperties': False}


def _bdm_v2(with_tag, with_volume_type):
    props = {
        'device_name': {'type': ['string', 'null'], 'maxLength': 255},
        'source_type': {'type': 'string',
                        'enum': ['volume', 'image', 'snapshot', 'blank']},
        'destination_type': {'type': 'string', 'enum': ['local', 'volume']},
        'uuid': {'type': 'string', 'minLength': 1, 'maxLength': 255,
                 'pattern': '^[a-zA-Z0-9._-]*$'},
        'image_id': v.uuid,
        'volume_id': v.uuid,
        'snapshot_id': v.uuid,
        'volume_size': {'type': ['integer', 'string', 'null'],
                        'pattern': '^[0-9]*$', 'minimum': 1},
        'delete_on_termination': v.boolean,
        'guest_format': {'type': 'string', 'maxLength': 255},
        'disk_bus': {'type': 'string', 'maxLength': 255},
        'device_type': {'type': 'string', 'maxLength': 255},
        'boot_index': {'type': ['integer', 'string', 'null'],
                       'pattern': '^-?[0-9]+$'},
        'no_device': {},
        'connection_info': {'type': 'string', 'maxLength': 16777215},
    }
    if with_tag:
        props['tag'] = _TAG
    if with_volume_type:
        props['volume_type'] = {'type': ['string', 'null'], 'minLength': 0,
                                'maxLength': 255}
    return {'type': 'object', 'properties': props,
            'additionalProperties': False}


_BDM_V1 = {'type': 'object', 'properties': {
    'device_name': {'type': 'string', 'maxLength': 255},
    'volume_id': v.uuid, 'snapshot_id': v.uuid,
    'volume_size': {'type': ['integer', 'string'], 'pattern': '^[0-9]+$'},
    'delete_on_termination': v.boolean,
    'no_device': {}, 'connection_info': {'type': 'string'}},
    'additionalProperties': False}
_PERSONALITY = {'type': 'array', 'items': {
    'type': 'object',
    'properties': {'path': {'type': 'string'},
                   'contents': {'type': 'string', 'format': 'base64'}},
    'additionalProperties': False}}
_SCHEDULER_HINTS = {
    'type': 'object',
    'properties': {
        'group': v.uuid,
        'different_host': {'oneOf': [v.uuid, {'type': 'array',
                                              'items': v.uuid}]},
        'same_host': {'oneOf': [v.uuid, {'type': 'array', 'items': v.uuid}]},
        'query': {'type': ['string', 'object']},
        'target_cell': {'type': 'string', 'minLength': 1},
        'different_cell': {'type': ['string', 'array'],
                           'items': {'type': 'string'}},
        'build_near_host_ip': {'type': 'string', 'oneOf': [
            {'format': 'ipv4'}, {'format': 'ipv6'}]},
        'cidr': {'type': 'string', 'pattern': '^/[0-9a-f.:]+$'},
    },
    'additionalProperties': True,
}
TRUSTED_CERTS = {'type': ['array', 'null'], 'minItems': 1, 'maxItems': 50,
                 'uniqueItems': True,
                 'items': {'type': 'string', 'minLength': 1}}


def _features(version):
    """The create-body features of a version: the cache key of create()."""
    return (
        version >= (2, 19),                          # description
        version == (2, 32) or (2, 42) <= version,    # block device tags
        (2, 32) <= version < (2, 37) or (2, 42) <= version,  # network tags
        version >= (2, 37),                          # networks required
        version >= (2, 52),                          # tags
        version < (2, 57),                           # personality
        version >= (2, 63),                          # trusted certificates
        version >= (2, 67),                          # bdm volume_type
        version >= (2, 74),                          # host, hypervisor_host..
        version >= (2, 90),                          # hostname
        version >= (2, 94),                          # hostname may be FQDN
    )


def create(version):
    return _create(*_features(version))


@functools.lru_cache(maxsize=None)
def _create(description, bdm_tag, net_tag, networks_required, tags,
            personality, trusted_certs, volume_type, destination, hostname,
            fqdn):
    networks = {'type': 'array', 'items': _network(net_tag)}
    if networks_required:
        networks = {'oneOf': [networks,
                              {'type': 'string', 'enum': ['none', 'auto']}]}
    server = {
        'name': v.name,
        'imageRef': {'oneOf': [v.uuid, {'type': 'string', 'maxLength': 0}]},
        'flavorRef': {'type': ['string', 'integer'], 'minLength': 1},
        'adminPass': {'type': 'string'},
        'metadata': v.metadata,
        'networks': networks,
        'OS-DCF:diskConfig': {'type': 'string', 'enum': ['AUTO', 'MANUAL']},
        'accessIPv4': {'type': 'string', 'format': 'ipv4'},
        'accessIPv6': {'type': 'string', 'format': 'ipv6'},
        'availability_zone': {'type': 'string', 'minLength': 1,
                              'maxLength': 255},
        'block_device_mapping': {'type': 'array', 'items': _BDM_V1},
        'block_device_mapping_v2': {'type': 'array',
                                    'items': _bdm_v2(bdm_tag, volume_type)},
        'config_drive': v.boolean,
        'key_name': {'type': 'string', 'minLength': 1, 'maxLength': 255},
        'min_count': v.positive_integer,
        'max_count': v.positive_integer,
        'return_reservation_id': v.boolean,
        'security_groups': {'type': 'array', 'items': {
            'type': 'object',
            'properties': {'name': {'type': 'string', 'minLength': 1,
                                    'maxLength': 255}},
            'additionalProperties': False}},
        'user_data': {'type': 'string', 'format': 'base64',
                      'maxLength': 65535},
    }
    if description:
        server['description'] = v.description
    if tags:
        server['tags'] = {'type': 'array', 'items': _TAG, 'maxItems': 50}
    if personality:
        server['personality'] = _PERSONALITY
    if trusted_certs:
        server['trusted_image_certificates'] = TRUSTED_CERTS
    if destination:
        server['host'] = _HOST
        server['hypervisor_hostname'] = _HOST
    if hostname:
        server['hostname'] = _HOSTNAME_294 if fqdn else _HOSTNAME_290
    body = {'server': {'type': 'object', 'properties': server,
                       'required': ['name', 'flavorRef'] +
                       (['networks'] if networks_required else []),
                       'additionalProperties': False},
            'os:scheduler_hints': _SCHEDULER_HINTS,
            'OS-SCH-HNT:scheduler_hints': _SCHEDULER_HINTS}
    return {'type': 'object', 'properties': body, 'required': ['server'],
            'additionalProperties': False}


# -- list query string -----------------------------------------------------

SORT_KEYS = [
    'access_ip_v4', 'access_ip_v6', 'auto_disk_config', 'availability_zone',
    'config_drive', 'created_at', 'display_description', 'display_name',
    'host', 'hostname', 'image_ref', 'instance_type_id', 'kernel_id',
    'key_name', 'launch_index', 'launched_at', 'locked_by', 'node',
    'power_state', 'progress', 'project_id', 'ramdisk_id',
    'root_device_name', 'task_state', 'terminated_at', 'updated_at',
    'user_id', 'uuid', 'vm_state',
    # Accepted for compatibility, ignored:
    'architecture', 'cell_name', 'cleaned', 'default_ephemeral_device',
    'default_swap_device', 'deleted', 'deleted_at', 'disable_terminate',
    'ephemeral_gb', 'ephemeral_key_uuid', 'id', 'key_data', 'launched_on',
    'locked', 'memory_mb', 'os_type', 'reservation_id', 'root_gb',
    'shutdown_terminate', 'user_data', 'vcpus', 'vm_mode']
IGNORED_SORT_KEYS = frozenset(SORT_KEYS[SORT_KEYS.index('architecture'):])
ADMIN_SORT_KEYS = frozenset(['host', 'node'])

_S = v.query_string
_DATE = {'type': 'string', 'format': 'date-time'}
_FILTERS = [
    'user_id', 'project_id', 'tenant_id', 'launch_index', 'image_ref',
    'image', 'kernel_id', 'ramdisk_id', 'hostname', 'key_name',
    'power_state', 'vm_state', 'task_state', 'host', 'node', 'flavor',
    'reservation_id', 'launched_at', 'terminated_at', 'availability_zone',
    'name', 'display_name', 'description', 'display_description',
    'locked_by', 'uuid', 'root_device_name', 'config_drive', 'access_ip_v4',
    'access_ip_v6', 'auto_disk_config', 'progress', 'all_tenants',
    'soft_deleted', 'status', 'ip', 'ip6', 'created_at', 'marker']


def list_query(version):
    return _list_query(version >= (2, 26), version >= (2, 66),
                       version >= (2, 73), version >= (2, 75))


@functools.lru_cache(maxsize=None)
def _list_query(tags, changes_before, locked, closed):
    props = dict.fromkeys(_FILTERS, _S)
    props.update({
        'limit': v.query_limit,
        'sort_key': {'type': 'string', 'enum': SORT_KEYS},
        'sort_dir': {'type': 'string', 'enum': ['asc', 'desc']},
        'deleted': v.query_bool,
        'changes-since': _DATE,
    })
    if tags:
        props.update(dict.fromkeys(
            ('tags', 'tags-any', 'not-tags', 'not-tags-any'), _S))
    if changes_before:
        props['changes-before'] = _DATE
    if locked:
        props['locked'] = v.query_bool
    return v.query_schema(props, additional=not closed)
