"""/v2/images and /v2/images/{image_id}: list, create, show, update,
delete, deactivate and reactivate (Image API v2)."""
from nova.api.image import json_patch
from nova.api.image import list_params
from nova.api.image import views
from nova.api import wsgi
from nova.policies import image_api as policies
from nova import exception


def index(req):
    req.can(policies.PREFIX % 'get_images')
    params = req.GET
    sort_keys, sort_dirs = list_params.sorting(params)
    limit, marker = list_params.paging(params)
    images = req.services.image_api.get_all(
        req.context, filters=list_params.filters(params),
        sort_key=sort_keys, sort_dir=sort_dirs, limit=limit, marker=marker)
    body = {'images': [views.image(i) for i in images],
            'first': '/v2/images', 'schema': '/v2/schemas/images'}
    if images and len(images) == limit:
        body['next'] = list_params.next_link(params, images[-1]['id'])
    return wsgi.json_response(body)


def create(req):
    req.can(policies.PREFIX % 'add_image')
    body = req.json_body()
    if not isinstance(body, dict):
        raise exception.ImageInvalid(reason='the body must be an object')
    image = req.services.image_api.create(req.context, body)
    resp = wsgi.json_response(views.image(image), status=201)
    resp.location = '%s/images/%s' % (views.V2, image['id'])
    return resp


def show(req, image_id):
    req.can(policies.PREFIX % 'get_image')
    image = req.services.image_api.get(req.context, image_id)
    return wsgi.json_response(views.image(image))


def update(req, image_id):
    req.can(policies.PREFIX % 'modify_image')
    changes = json_patch.parse_body(req)
    image_api = req.services.image_api
    image = image_api.get(req.context, image_id)
    values, remove_props = json_patch.apply(image, changes)
    image = image_api.update(req.context, image_id, values, remove_props)
    return wsgi.json_response(views.image(image))


def delete(req, image_id):
    req.can(policies.PREFIX % 'delete_image')
    req.services.image_api.delete(req.context, image_id)
    return wsgi.empty_response(204)


def deactivate(req, image_id):
    req.can(policies.PREFIX % 'deactivate')
    req.services.image_api.deactivate(req.context, image_id)
    return wsgi.empty_response(204)


def reactivate(req, image_id):
    req.can(policies.PREFIX % 'reactivate')
    req.services.image_api.reactivate(req.context, image_id)
    return wsgi.empty_response(204)
