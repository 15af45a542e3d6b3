"""/images/{image_id}/metadata[/{key}]: an image's properties (2.1 - 2.38).

The metadata of the compute API's image proxy is the image's additional
properties in the image service, which also decides who may change them
(403 from it passes through). At most MAX_ITEMS properties (Nova's default
metadata_items quota): a request that would exceed it is a 403.
"""
from nova.api.compute import images
from nova.api.compute.schemas import images as schemas
from nova.api import microversion
from nova.api import validation
from nova.api import wsgi
from nova import exception

MAX_VERSION = (2, 38)
MAX_ITEMS = 128


def proxy(handler):
    """A route entry served from 2.1 to MAX_VERSION only."""
    return (handler, microversion.MIN_VERSION, MAX_VERSION)


def check_quota(properties):
    """403 when an image would hold more properties than allowed."""
    if len(properties) > MAX_ITEMS:
        raise exception.ImageMetadataLimitExceeded()


def _properties(req, image_id):
    return dict(images.get_image(req, image_id).get('properties') or {})


def _save(req, image_id, properties, removed=()):
    updated = req.services.image_api.update(
        req.context, image_id, {'properties': properties},
        remove_props=tuple(removed))
    return dict(updated.get('properties') or {})


def index(req, image_id):
    return wsgi.json_response({'metadata': _properties(req, image_id)})


def show(req, image_id, key):
    properties = _properties(req, image_id)
    if key not in properties:
        raise exception.NotFound()
    return wsgi.json_response({'meta': {key: properties[key]}})


def create(req, image_id):
    """Merge the body's metadata into the image's."""
    body = req.json_body()
    validation.validate(schemas.METADATA, body)
    properties = _properties(req, image_id)
    properties.update(body['metadata'])
    check_quota(properties)
    saved = _save(req, image_id, body['metadata'])
    return wsgi.json_response({'metadata': saved})


def update_all(req, image_id):
    """Replace the image's metadata with the body's."""
    body = req.json_body()
    validation.validate(schemas.METADATA, body)
    metadata = body['metadata']
    check_quota(metadata)
    old = _properties(req, image_id)
    _save(req, image_id, metadata, [k for k in old if k not in metadata])
    return wsgi.json_response({'metadata': metadata})


def update(req, image_id, key):
    """Set one key; the body names it again."""
    body = req.json_body()
    validation.validate(schemas.META, body)
    meta = body['meta']
    if key not in meta:
        raise exception.Invalid('Request body and URI mismatch')
    properties = _properties(req, image_id)
    properties[key] = meta[key]
    check_quota(properties)
    _save(req, image_id, {key: meta[key]})
    return wsgi.json_response({'meta': meta})


def delete(req, image_id, key):
    properties = _properties(req, image_id)
    if key not in properties:
        raise exception.ImageMetadataKeyNotFound()
    _save(req, image_id, {}, [key])
    return wsgi.empty_response(204)
