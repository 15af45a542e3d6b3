"""/v2/images/{image_id}/tags/{tag}: add or remove one tag."""
from nova.api import wsgi
from nova.policies import image_api as policies
from nova import exception


def _change_tags(req, image_id, change):
    req.can(policies.PREFIX % 'modify_image')
    image_api = req.services.image_api
    image = image_api.get(req.context, image_id)
    tags = change(list(image['tags']))
    image_api.update(req.context, image_id, {'tags': tags})
    return wsgi.empty_response(204)


def add(req, image_id, tag):
    return _change_tags(req, image_id,
                        lambda tags: tags if tag in tags else tags + [tag])


def delete(req, image_id, tag):
    def remove(tags):
        if tag not in tags:
            raise exception.NotFound('Tag %s not found.' % tag)
        return [t for t in tags if t != tag]
    return _change_tags(req, image_id, remove)
