"""The Image API's JSON-patch bodies, applied to an image dict.

``application/openstack-images-v2.1-json-patch``: a list of
``{"op": "add"|"replace"|"remove", "path": "/name", "value": ...}``;
``...-v2.0-json-patch``: ``{"replace": "/name", "value": ...}``. Paths are
one level deep (``/tags`` is the whole tag list). The result is what the
facade's ``update`` takes: (values, names of properties to remove).
"""
import json

from nova.api import wsgi
from nova import exception
from nova.image import meta

MEDIA_TYPES = {'application/openstack-images-v2.1-json-patch': 'v2.1',
               'application/openstack-images-v2.0-json-patch': 'v2.0'}
OPS = ('add', 'replace', 'remove')


class UnsupportedPatchType(exception.NovaException):
    msg_fmt = "Unsupported Content-Type %(content_type)s"
    code = 415
    safe = True
    headers = {'Accept-Patch': ', '.join(MEDIA_TYPES)}


def parse_body(req):
    """The list of (op, attribute name, value) of a PATCH request."""
    flavor = MEDIA_TYPES.get(req.content_type)
    if flavor is None:
        raise UnsupportedPatchType(content_type=req.content_type)
    try:
        changes = json.loads(req.body or b'null')
    except ValueError as e:
        raise wsgi.MalformedBody(reason=str(e))
    if not isinstance(changes, list):
        raise exception.ImageInvalid(reason='a JSON-patch body is a list of '
                                     'changes')
    return [_parse_change(change, flavor) for change in changes]


def _parse_change(change, flavor):
    if not isinstance(change, dict):
        raise exception.ImageInvalid(reason='each change is an object')
    if flavor == 'v2.1':
        op, path = change.get('op'), change.get('path')
    else:
        ops = [o for o in OPS if o in change]
        op = ops[0] if len(ops) == 1 else None
        path = change.get(op) if op else None
    if op not in OPS:
        raise exception.ImageInvalid(reason="op must be one of %s"
                                     % ', '.join(OPS))
    if op != 'remove' and 'value' not in change:
        raise exception.ImageInvalid(reason="'%s' needs a value" % op)
    return op, _attribute(path), change.get('value')


def _attribute(path):
    if not isinstance(path, str) or not path.startswith('/') or \
            '/' in path[1:] or len(path) < 2:
        raise exception.ImageInvalid(
            reason="path %r is not '/<attribute>'" % (path,))
    return path[1:].replace('~1', '/').replace('~0', '~')


def apply(image, changes):
    """(values, remove_props) for the facade from the changes in order.

    Replacing or removing a property the image lacks is a 409, as in the
    Image API; read-only and reserved names are 403.
    """
    core, props = {}, dict(image.get('properties') or {})
    removed = set()
    for op, name, value in changes:
        meta.check_writable(name)
        if name in meta.WRITABLE:
            if op == 'remove':
                raise exception.Forbidden(
                    "Attribute '%s' cannot be removed." % name)
            core[name] = value
            continue
        if op != 'add' and name not in props:
            raise exception.Conflict('Property %s does not exist.' % name)
        if op == 'remove':
            props.pop(name)
            removed.add(name)
        else:
            props[name] = value
            removed.discard(name)
    original = image.get('properties') or {}
    changed = {k: v for k, v in props.items()
               if k not in original or original[k] != v}
    values = dict(core, properties=changed)
    return values, tuple(sorted(removed & set(original)))
