"""Helpers of the image tests: images made through the Image API v2."""
import hashlib

import webob

QCOW2_MAGIC = b'QFI\xfb'


def create_image(client, name='img', data=None, **attrs):
    """An image of client's project (queued when data is None)."""
    body = dict({'name': name, 'disk_format': 'qcow2',
                 'container_format': 'bare'}, **attrs)
    resp = client.post('/image/v2/images', body)
    assert resp.status_int == 201, resp.text
    image = resp.json
    if data is not None:
        upload(client, image['id'], data)
    return image


def upload(client, image_id, data):
    req = webob.Request.blank('/image/v2/images/%s/file' % image_id,
                              method='PUT')
    req.headers['X-Auth-Token'] = client.token
    req.content_type = 'application/octet-stream'
    req.body = data
    resp = req.get_response(client.app)
    assert resp.status_int == 204, resp.text


def download(client, image_id):
    req = webob.Request.blank('/image/v2/images/%s/file' % image_id)
    req.headers['X-Auth-Token'] = client.token
    resp = req.get_response(client.app)
    assert resp.status_int == 200, resp.text
    return resp.body


def md5(data):
    return hashlib.md5(data).hexdigest()
