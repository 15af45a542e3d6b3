"""/flavors/{flavor_id}/os-extra_specs: index, show, create (many at
once), update (one), delete. Known extra specs are validated from 2.86."""
from nova.api.compute.schemas import flavor_extra_specs as schemas
from nova.api import extra_specs
from nova.api import validation
from nova.api import wsgi
from nova import exception
from nova import objects
from nova.policies import flavor_extra_specs as policies


def _get(req, flavor_id):
    return objects.Flavor.get_by_flavor_id(req.context, flavor_id)


def _checked(req, specs):
    """Specs as strings, validated when the microversion asks for it."""
    values = {}
    for key, value in specs.items():
        value = str(value)
        if len(value) > 255:
            raise exception.ValidationError(
                message='extra_specs value %s has more than 255 characters'
                % key)
        if req.api_version >= (2, 86):
            extra_specs.validate(key, value)
        values[key] = value
    return values


def index(req, flavor_id):
    req.can(policies.POLICY_ROOT % 'index')
    flavor = _get(req, flavor_id)
    return wsgi.json_response({'extra_specs': dict(flavor.extra_specs)})


def show(req, flavor_id, key):
    req.can(policies.POLICY_ROOT % 'show')
    flavor = _get(req, flavor_id)
    if key not in flavor.extra_specs:
        raise exception.FlavorExtraSpecsNotFound(flavor_id=flavor_id,
                                                 extra_specs_key=key)
    return wsgi.json_response({key: flavor.extra_specs[key]})


def create(req, flavor_id):
    req.can(policies.POLICY_ROOT % 'create')
    body = req.json_body()
    validation.validate(schemas.CREATE, body)
    specs = _checked(req, body['extra_specs'])
    flavor = _get(req, flavor_id)
    flavor.extra_specs = dict(flavor.extra_specs, **specs)
    flavor.save()
    return wsgi.json_response({'extra_specs': specs})


def update(req, flavor_id, key):
    req.can(policies.POLICY_ROOT % 'update')
    body = req.json_body()
    validation.validate(schemas.UPDATE, body)
    if key not in body:
        raise exception.Invalid('Request body and URI mismatch')
    if len(body) > 1:
        raise exception.Invalid('Request body contains too many items')
    specs = _checked(req, body)
    flavor = _get(req, flavor_id)
    flavor.extra_specs = dict(flavor.extra_specs, **specs)
    flavor.save()
    return wsgi.json_response(specs)


def delete(req, flavor_id, key):
    req.can(policies.POLICY_ROOT % 'delete')
    flavor = _get(req, flavor_id)
    if key not in flavor.extra_specs:
        raise exception.FlavorExtraSpecsNotFound(flavor_id=flavor_id,
                                                 extra_specs_key=key)
    flavor.extra_specs = {k: v for k, v in flavor.extra_specs.items()
                          if k != key}
    flavor.save()
    return wsgi.empty_response(202)
