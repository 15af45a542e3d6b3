"""The createImage server action: snapshot a server into a new image.

A row of nova.api.compute.server_actions.ACTIONS (which validates the body
against schemas.images.CREATE_IMAGE and checks policies.images.CREATE_IMAGE
first). 202 at once; the image is created queued and the instance's host
uploads its disk (nova.compute.snapshot). Before 2.45 the answer carries
the image's URL in ``Location``; from 2.45 a body ``{"image_id": ...}``.
"""
from nova.api.compute import image_metadata
from nova.api.compute.views import images as views
from nova.api import wsgi


def create_image(req, instance, body):
    values = body['createImage']
    metadata = values.get('metadata', {})
    image_metadata.check_quota(metadata)
    image = req.services.compute_api.snapshot(
        req.context, instance, values['name'], metadata)
    if req.api_version >= (2, 45):
        return wsgi.json_response({'image_id': image['id']}, 202)
    resp = wsgi.empty_response(202)
    resp.headers['Location'] = views.image_url(req, image['id'])
    return resp
