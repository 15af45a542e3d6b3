"""/resource_classes and /resource_classes/{name}."""
import re

from nova import exception
from nova.placement.schemas import resource_class as schema
from nova.placement.store import resource_classes
from nova.placement import wsgi


def view(req, name):
    return {'name': name, 'links': [
        {'rel': 'self', 'href': req.url('/resource_classes/%s' % name)}]}


def list_classes(req):
    req.can('placement:resource_classes:list')
    names = req.read(resource_classes.list_all)
    return wsgi.json_response(
        req, {'resource_classes': [view(req, n) for n in names]})


def show_class(req, name):
    req.can('placement:resource_classes:show')
    req.read(lambda s: resource_classes.id_for(s, name))
    return wsgi.json_response(req, view(req, name))


def create_class(req):
    req.can('placement:resource_classes:create')
    name = req.validated_body(schema.NAME)['name']
    req.write(lambda s: resource_classes.create(s, name))
    resp = wsgi.no_content(201)
    resp.location = req.url('/resource_classes/%s' % name)
    return resp


def update_class(req, name):
    """Rename (1.2-1.6) or create-if-missing (1.7+)."""
    req.can('placement:resource_classes:update')
    if req.version >= (1, 7):
        if len(name) > 255 or not re.match(schema.CUSTOM_CLASS, name):
            raise exception.Invalid(
                reason='Invalid resource class name %s: custom classes '
                       'are CUSTOM_ followed by A-Z, 0-9 and _.' % name)
        created = req.write(lambda s: resource_classes.ensure(s, name))
        resp = wsgi.no_content(201 if created else 204)
        resp.location = req.url('/resource_classes/%s' % name)
        return resp
    new_name = req.validated_body(schema.NAME)['name']
    req.write(lambda s: resource_classes.rename(s, name, new_name))
    return wsgi.json_response(req, view(req, new_name))


def delete_class(req, name):
    req.can('placement:resource_classes:delete')
    req.write(lambda s: resource_classes.delete(s, name))
    return wsgi.no_content()
