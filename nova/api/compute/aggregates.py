"""/os-aggregates: host aggregates (admin only).

CRUD, and the add_host, remove_host and set_metadata actions; an
aggregate's ``availability_zone`` metadata makes it a zone; from 2.81,
image pre-caching on an aggregate's hosts (``/images``). The rules and the
placement mirror are in nova.compute.aggregates.
"""
from nova.api.compute.schemas import aggregates as schemas
from nova.api.compute.views import aggregates as views
from nova.api import validation
from nova.api import wsgi
from nova import exception
from nova.policies import aggregates as policies


def _id(aggregate_id):
    try:
        return int(aggregate_id)
    except ValueError:
        raise exception.Invalid('Invalid aggregate id %s: it must be an '
                                'integer.' % aggregate_id)


def _api(req, action):
    req.can(policies.POLICY_ROOT % action)
    return req.services.aggregate_api


def index(req):
    aggregates = _api(req, 'index').get_all(req.context)
    return wsgi.json_response(views.index(req, aggregates))


def create(req):
    api = _api(req, 'create')
    body = req.json_body()
    validation.validate(schemas.CREATE, body)
    values = body['aggregate']
    aggregate = api.create(req.context, values['name'],
                           values.get('availability_zone'))
    return wsgi.json_response(views.show(req, aggregate,
                                         with_members=False))


def show(req, aggregate_id):
    aggregate = _api(req, 'show').get(req.context, _id(aggregate_id))
    return wsgi.json_response(views.show(req, aggregate))


def update(req, aggregate_id):
    api = _api(req, 'update')
    body = req.json_body()
    validation.validate(schemas.UPDATE, body)
    aggregate = api.update(req.context, _id(aggregate_id),
                           **body['aggregate'])
    return wsgi.json_response(views.show(req, aggregate))


def delete(req, aggregate_id):
    _api(req, 'delete').delete(req.context, _id(aggregate_id))
    return wsgi.empty_response(200)


def _add_host(req, aggregate_id, body):
    api = _api(req, 'add_host')
    validation.validate(schemas.ADD_HOST, body)
    return api.add_host(req.context, aggregate_id, body['add_host']['host'])


def _remove_host(req, aggregate_id, body):
    api = _api(req, 'remove_host')
    validation.validate(schemas.REMOVE_HOST, body)
    return api.remove_host(req.context, aggregate_id,
                           body['remove_host']['host'])


def _set_metadata(req, aggregate_id, body):
    api = _api(req, 'set_metadata')
    validation.validate(schemas.SET_METADATA, body)
    metadata = body['set_metadata']['metadata']
    zone = metadata.get('availability_zone')
    if zone is not None:
        try:
            validation.validate(schemas.AZ_NAME, zone)
        except exception.ValidationError as e:
            raise exception.Invalid(
                'Invalid availability_zone %r: %s (a zone name has no '
                '":")' % (zone, e.format_message()))
    return api.update_metadata(req.context, aggregate_id, metadata)


ACTIONS = {'add_host': _add_host, 'remove_host': _remove_host,
           'set_metadata': _set_metadata}


def action(req, aggregate_id):
    body = req.json_body()
    if not isinstance(body, dict) or len(body) != 1:
        raise wsgi.MalformedBody(reason='an action body has one key')
    name = next(iter(body))
    handler = ACTIONS.get(name)
    if handler is None:
        raise exception.Invalid('There is no such action: %s' % name)
    aggregate = handler(req, _id(aggregate_id), body)
    return wsgi.json_response(views.show(req, aggregate))


def cache_images(req, aggregate_id):
    """POST /os-aggregates/{id}/images (2.81): pre-cache images on the
    aggregate's hosts, in the background; 202 with no body."""
    req.can(policies.IMAGES)
    api = req.services.aggregate_api
    body = req.json_body()
    validation.validate(schemas.CACHE_IMAGES, body)
    aggregate_id = _id(aggregate_id)
    image_ids = [image['id'] for image in body['cache']]
    if len(set(image_ids)) != len(image_ids):
        # Nova refuses duplicates rather than caching them once.
        raise exception.PrecacheDuplicateImages()
    api.cache_images(req.context, aggregate_id, image_ids)
    return wsgi.empty_response(202)
