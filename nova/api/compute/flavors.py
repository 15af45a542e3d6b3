"""/flavors: list, detail, show, create and delete (admin), description
update (2.55), and the access lists of private flavors
(``os-flavor-access`` and the add/removeTenantAccess actions)."""
from oslo_utils import strutils
from oslo_utils import uuidutils

from nova.api.compute.schemas import flavors as schemas
from nova.api.compute.views import flavors as views
from nova.api import validation
from nova.api import wsgi
from nova import exception
from nova import objects
from nova.policies import flavors as policies


def _get(req, flavor_id):
    return objects.Flavor.get_by_flavor_id(req.context, flavor_id)


def _int_filter(params, name):
    value = validation.last(params, name)
    try:
        return int(value)
    except ValueError:
        raise exception.Invalid('Invalid %s filter [%s]' % (name, value))


def _is_public_filter(value):
    """Admins: absent -> public only, 'none' -> all, else a boolean."""
    if value is None:
        return True
    if value.strip().lower() == 'none':
        return None
    try:
        return strutils.bool_from_string(value, strict=True)
    except ValueError:
        raise exception.Invalid('Invalid is_public filter [%s]' % value)


def list_params(req):
    """(filters, sort_key, sort_dir, limit, marker) of a flavor list."""
    schema = (schemas.QUERY_V275 if req.api_version >= (2, 75)
              else schemas.QUERY_V21)
    params = validation.validate_query(schema, req)
    if req.context.is_admin:
        filters = {'is_public': _is_public_filter(
            validation.last(params, 'is_public'))}
    else:
        # Public flavors and the private ones shared with the caller.
        filters = {'disabled': False}
    if 'minRam' in params:
        filters['min_memory_mb'] = _int_filter(params, 'minRam')
    if 'minDisk' in params:
        filters['min_root_gb'] = _int_filter(params, 'minDisk')
    max_limit = req.services.conf.api.max_limit
    limit = min(int(validation.last(params, 'limit', max_limit)), max_limit)
    return (filters, validation.last(params, 'sort_key', 'flavorid'),
            validation.last(params, 'sort_dir', 'asc'), limit,
            validation.last(params, 'marker'))


def _list(req, detail):
    filters, sort_key, sort_dir, limit, marker = list_params(req)
    flavors = objects.FlavorList.get_all(
        req.context, filters=filters, sort_key=sort_key, sort_dir=sort_dir,
        limit=limit, marker=marker)
    body = views.FlavorView(req).index(
        flavors, detail, req.services.conf.api.max_limit)
    return wsgi.json_response(body)


def index(req):
    return _list(req, detail=False)


def detail(req):
    return _list(req, detail=True)


def show(req, flavor_id):
    return wsgi.json_response(views.FlavorView(req).show(_get(req, flavor_id)))


def create(req):
    req.can(policies.MANAGE % 'create')
    body = req.json_body()
    validation.validate(schemas.create(req.api_version >= (2, 55)), body)
    values = body['flavor']
    flavor = objects.Flavor(
        context=req.context,
        name=values['name'],
        flavorid=str(values.get('id') or uuidutils.generate_uuid()),
        memory_mb=int(values['ram']),
        vcpus=int(values['vcpus']),
        root_gb=int(values['disk']),
        ephemeral_gb=int(values.get('OS-FLV-EXT-DATA:ephemeral', 0)),
        swap=int(values.get('swap', 0)),
        rxtx_factor=float(values.get('rxtx_factor', 1.0)),
        is_public=validation.to_bool(
            values.get('os-flavor-access:is_public', True)),
        description=values.get('description'),
        disabled=False, vcpu_weight=None, extra_specs={}, projects=[])
    flavor.create()
    return wsgi.json_response(views.FlavorView(req).show(flavor))


def update(req, flavor_id):
    req.can(policies.MANAGE % 'update')
    body = req.json_body()
    validation.validate(schemas.UPDATE, body)
    flavor = _get(req, flavor_id)
    flavor.description = body['flavor']['description']
    flavor.save()
    return wsgi.json_response(views.FlavorView(req).show(flavor))


def delete(req, flavor_id):
    req.can(policies.MANAGE % 'delete')
    _get(req, flavor_id).destroy()
    return wsgi.empty_response(202)


# -- access lists of private flavors ---------------------------------------

def access_list(req, flavor_id):
    req.can(policies.ACCESS)
    flavor = _get(req, flavor_id)
    if flavor.is_public:
        raise exception.NotFound(
            'Access list not available for public flavors.')
    return wsgi.json_response(views.access_list(flavor))


def _add_tenant_access(req, flavor_id, body):
    req.can(policies.ACCESS_ACTION % 'add_tenant_access')
    validation.validate(schemas.ADD_TENANT_ACCESS, body)
    flavor = _get(req, flavor_id)
    if flavor.is_public and req.api_version >= (2, 7):
        raise exception.Conflict('Can not add access to a public flavor.')
    flavor.add_access(body['addTenantAccess']['tenant'])
    return wsgi.json_response(views.access_list(flavor))


def _remove_tenant_access(req, flavor_id, body):
    req.can(policies.ACCESS_ACTION % 'remove_tenant_access')
    validation.validate(schemas.REMOVE_TENANT_ACCESS, body)
    flavor = _get(req, flavor_id)
    flavor.remove_access(body['removeTenantAccess']['tenant'])
    return wsgi.json_response(views.access_list(flavor))


ACTIONS = {'addTenantAccess': _add_tenant_access,
           'removeTenantAccess': _remove_tenant_access}


def action(req, flavor_id):
    body = req.json_body()
    return dispatch_action(ACTIONS, req, flavor_id, body)


def dispatch_action(actions, req, resource_id, body):
    """Call the handler named by the single key of an action body."""
    if not isinstance(body, dict) or len(body) != 1:
        raise wsgi.MalformedBody(reason='an action body has one key')
    name = next(iter(body))
    handler = actions.get(name)
    if handler is None:
        raise exception.Invalid('There is no such action: %s' % name)
    return handler(req, resource_id, body)
