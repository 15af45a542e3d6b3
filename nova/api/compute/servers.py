"""/servers: create (one or many), list, detail, show, delete.

The query string of a list becomes the compute API's search options in
:mod:`nova.api.compute.server_search`; the body of a create becomes the
arguments of ``compute.api.API.create`` here.
"""
import secrets
import string

from nova.api.compute.schemas import servers as schemas
from nova.api.compute import server_search
from nova.api.compute.views import servers as views
from nova.api import validation
from nova.api import wsgi
from nova import exception
from nova import objects
from nova.policies import servers as policies

_PASSWORD_CHARS = ''.join(c for c in string.ascii_letters + string.digits
                          if c not in 'lI1O0')


# -- list and show ---------------------------------------------------------

def _list(req, detail):
    req.can(policies.SERVERS % ('detail' if detail else 'index'))
    search = server_search.parse(req, detail)
    view = views.ServerView(req)
    # .objects: a plain list; iterating the InstanceList goes through
    # OVO's Python-level Sequence.__iter__, item by item.
    instances = [] if search.nothing_matches else \
        req.services.compute_api.get_all(
            search.context, search.options, limit=search.limit,
            marker=search.marker, sort_keys=search.sort_keys,
            sort_dirs=search.sort_dirs,
            expected_attrs=_expected_attrs(req) if detail else [],
            load_only=view.fields(detail)).objects
    return wsgi.json_response(view.index(
        instances, detail, req.services.conf.api.max_limit))


def _expected_attrs(req):
    attrs = ['metadata', 'fault']
    if req.api_version >= (2, 73):
        attrs.append('system_metadata')   # locked_reason, image properties
    return attrs


def index(req):
    return _list(req, detail=False)


def detail(req):
    return _list(req, detail=True)


def show(req, server_id):
    instance = req.services.compute_api.get(
        req.context, server_id, expected_attrs=_expected_attrs(req))
    req.can(policies.SERVERS % 'show', {'project_id': instance.project_id})
    return wsgi.json_response(views.ServerView(req).show(instance))


def delete(req, server_id):
    req.services.compute_api.delete_server(
        req.context, server_id,
        authorize=lambda instance: req.can(
            policies.SERVERS % 'delete', {'project_id': instance.project_id}))
    return wsgi.empty_response(204)


# -- create ----------------------------------------------------------------

def create(req):
    req.can(policies.SERVERS % 'create')
    body = req.json_body()
    validation.validate(schemas.create(req.api_version), body)
    server = body['server']
    flavor = _flavor(req, server['flavorRef'])
    min_count = int(server.get('min_count', 1))
    max_count = int(server.get('max_count', min_count))
    if min_count > max_count:
        raise exception.Invalid('min_count must be <= max_count')
    if server.get('hostname') and max_count > 1:
        raise exception.Invalid(
            'hostname cannot be given when creating several servers')
    extras = _extras(req, server, flavor)
    instances, reservation_id = _call_create(
        req, extras,
        flavor=flavor, image_href=server.get('imageRef') or '',
        name=server['name'], description=server.get('description'),
        min_count=min_count, max_count=max_count,
        metadata=server.get('metadata', {}),
        availability_zone=server.get('availability_zone'),
        key_name=server.get('key_name'), user_data=server.get('user_data'),
        access_ip_v4=server.get('accessIPv4'),
        access_ip_v6=server.get('accessIPv6'),
        config_drive=validation.to_bool(server.get('config_drive', False)),
        scheduler_hints=_scheduler_hints(body),
        hostname=server.get('hostname'))
    if validation.to_bool(server.get('return_reservation_id', False)):
        return wsgi.json_response({'reservation_id': reservation_id}, 202)
    view = views.ServerView(req)
    result = view.create(instances[0], extras['admin_password'],
                         extras.get('security_groups') or ['default'])
    location = result['server']['links'][0]['href']
    return wsgi.json_response(result, 202, [('Location', location)])


def _flavor(req, flavor_ref):
    flavor_id = str(flavor_ref).rstrip('/').rsplit('/', 1)[-1]
    try:
        flavor = objects.Flavor.get_by_flavor_id_cached(
            req.context, flavor_id,
            req.services.conf.api.flavor_cache_seconds)
    except exception.FlavorNotFound:
        flavor = None
    if flavor is None or flavor.disabled:
        raise exception.Invalid('Invalid flavorRef provided.')
    return flavor


def _random_password(length=12):
    """From one read of the system's random source (a secrets.choice per
    character costs a read each); bytes past the largest multiple of the
    alphabet's size are dropped, so every character is equally likely."""
    size = len(_PASSWORD_CHARS)
    limit = 256 - 256 % size
    chars = []
    while len(chars) < length:
        chars.extend(_PASSWORD_CHARS[b % size]
                     for b in secrets.token_bytes(2 * length) if b < limit)
    return ''.join(chars[:length])


def _scheduler_hints(body):
    """Hints as the request spec stores them: lists of strings."""
    hints = body.get('os:scheduler_hints') or \
        body.get('OS-SCH-HNT:scheduler_hints') or {}
    result = {}
    for key, value in hints.items():
        values = value if isinstance(value, list) else [value]
        result[key] = [wsgi.dumps(v).decode() if isinstance(v, dict)
                       else str(v) for v in values]
    return result


def _extras(req, server, flavor):
    """Authorize the optional parts of a create; return their arguments."""
    extras = {'admin_password': server.get('adminPass') or
              _random_password()}
    if 'OS-DCF:diskConfig' in server:
        extras['auto_disk_config'] = server['OS-DCF:diskConfig'] == 'AUTO'
    networks = server.get('networks')
    if isinstance(networks, list) and networks:
        req.can(policies.SERVERS % 'create:attach_network')
        extras['requested_networks'] = networks
    elif networks is not None:
        extras['requested_networks'] = networks
    groups = [g['name'] for g in server.get('security_groups', [])
              if g.get('name')]
    if groups and groups != ['default']:
        extras['security_groups'] = groups
    bdms = server.get('block_device_mapping_v2') or \
        server.get('block_device_mapping')
    if bdms:
        req.can(policies.SERVERS % 'create:attach_volume')
        extras['block_device_mapping'] = bdms
    if not flavor.root_gb and not _root_on_volume(bdms):
        # The compute API refuses (403) after its image checks, as Nova.
        extras['zero_disk_allowed'] = req.can(
            policies.SERVERS % 'create:zero_disk_flavor', fatal=False)
    if server.get('tags'):
        extras['tags'] = server['tags']
    if server.get('trusted_image_certificates'):
        req.can(policies.SERVERS % 'create:trusted_certs')
        extras['trusted_certs'] = server['trusted_image_certificates']
    if server.get('personality'):
        extras['injected_files'] = [(f.get('path'), f.get('contents'))
                                    for f in server['personality']]
    _destination(req, server, extras)
    return extras


def _root_on_volume(bdms):
    """Whether the boot disk of a create is a volume (not the image
    copied to local disk, which openstackclient also sends as a mapping)."""
    for bdm in bdms or ():
        if str(bdm.get('boot_index')) == '0':
            return bdm.get('destination_type') == 'volume' or \
                bdm.get('source_type') == 'volume'
    return False


def _destination(req, server, extras):
    """host/hypervisor_hostname (2.74) and "zone:host:node" zones."""
    forced = ':' in (server.get('availability_zone') or '')
    if forced:
        req.can(policies.SERVERS % 'create:forced_host')
    if 'host' in server or 'hypervisor_hostname' in server:
        if forced:
            raise exception.Invalid(
                'host and hypervisor_hostname cannot be combined with an '
                'availability_zone naming a host.')
        req.can(policies.REQUESTED_DESTINATION)
        extras['requested_host'] = server.get('host')
        extras['requested_hypervisor_hostname'] = server.get(
            'hypervisor_hostname')


def _call_create(req, extras, **args):
    try:
        return req.services.compute_api.create(req.context, **extras,
                                               **args)
    except exception.ImageNotFound:
        raise exception.Invalid('Can not find requested image')
