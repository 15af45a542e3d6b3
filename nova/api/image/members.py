"""/v2/images/{image_id}/members[/{member_id}]: sharing an image with
other projects (images with visibility ``shared``)."""
from nova.api.image import views
from nova.api import wsgi
from nova.policies import image_api as policies
from nova import exception


def _body_value(req, key):
    body = req.json_body()
    if not isinstance(body, dict) or not isinstance(body.get(key), str):
        raise exception.ImageInvalid(reason="the body needs a string '%s'"
                                     % key)
    return body[key]


def index(req, image_id):
    req.can(policies.PREFIX % 'get_members')
    members = req.services.image_api.list_members(req.context, image_id)
    return wsgi.json_response({'members': [views.member(m) for m in members],
                               'schema': '/v2/schemas/members'})


def create(req, image_id):
    req.can(policies.PREFIX % 'add_member')
    member_id = _body_value(req, 'member')
    member = req.services.image_api.add_member(req.context, image_id,
                                               member_id)
    return wsgi.json_response(views.member(member))


def show(req, image_id, member_id):
    req.can(policies.PREFIX % 'get_member')
    member = req.services.image_api.get_member(req.context, image_id,
                                               member_id)
    return wsgi.json_response(views.member(member))


def update(req, image_id, member_id):
    req.can(policies.PREFIX % 'modify_member')
    status = _body_value(req, 'status')
    member = req.services.image_api.update_member(req.context, image_id,
                                                  member_id, status)
    return wsgi.json_response(views.member(member))


def delete(req, image_id, member_id):
    req.can(policies.PREFIX % 'delete_member')
    req.services.image_api.delete_member(req.context, image_id, member_id)
    return wsgi.empty_response(204)
