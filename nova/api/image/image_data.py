"""/v2/images/{image_id}/file: stream image data in and out.

Neither direction holds a whole image in memory: the request body is read
from ``wsgi.input`` one chunk at a time straight into the store, and the
response body is the store's chunk iterator, which the WSGI server writes
as it goes.
"""
import base64
import binascii
import re

import webob

from nova.api import wsgi
from nova.policies import image_api as policies
from nova import exception
from nova.image import data as image_data

_OCTET_STREAM = 'application/octet-stream'
_RANGE = re.compile(r'^bytes=(\d*)-(\d*)$')


class LengthRequired(exception.NovaException):
    msg_fmt = ('Image data needs a Content-Length or chunked '
               'Transfer-Encoding.')
    code = 411
    safe = True


class UnsupportedDataType(wsgi.UnsupportedMediaType):
    msg_fmt = ('Unsupported Content-Type %(content_type)s; image data is '
               'application/octet-stream.')


def _expected_md5(req):
    """The Content-MD5 request header as a hex digest (hex or base64)."""
    value = req.headers.get('Content-MD5')
    if not value:
        return None
    value = value.strip()
    if len(value) == 32:
        return value.lower()
    try:
        return binascii.hexlify(base64.b64decode(value,
                                                 validate=True)).decode()
    except (binascii.Error, ValueError):
        raise exception.ImageInvalid(reason='Content-MD5 is not an MD5 '
                                     'digest')


def body_chunks(stream, length, chunk_size=image_data.CHUNK_SIZE):
    """Chunks of a request body; OSError when the client stops sending
    before ``length`` bytes (it went away)."""
    remaining = length
    while remaining is None or remaining > 0:
        wanted = chunk_size if remaining is None else min(chunk_size,
                                                          remaining)
        chunk = stream.read(wanted)
        if not chunk:
            if remaining:
                raise ConnectionError('the client sent %d bytes fewer than '
                                      'its Content-Length' % remaining)
            return
        if remaining is not None:
            remaining -= len(chunk)
        yield chunk


def upload(req, image_id):
    req.can(policies.PREFIX % 'upload_image')
    content_type = req.content_type
    if content_type and content_type != _OCTET_STREAM:
        raise UnsupportedDataType(content_type=content_type)
    chunked = 'chunked' in req.headers.get('Transfer-Encoding', '').lower()
    length = req.content_length
    if length is None and not chunked:
        raise LengthRequired()
    checksum = _expected_md5(req)
    chunks = body_chunks(req.environ['wsgi.input'], length)
    req.services.image_api.upload(req.context, image_id, chunks,
                                  size=length, checksum=checksum)
    return wsgi.empty_response(204)


class RangeNotSatisfiable(exception.NovaException):
    msg_fmt = 'Requested range not satisfiable for an image of %(size)d bytes.'
    code = 416
    safe = True


def requested_range(header, size):
    """(offset, length) of a single ``bytes=`` range of size bytes, None to
    send everything (no header, or one this does not understand, which
    HTTP says to ignore). Raises RangeNotSatisfiable."""
    match = _RANGE.match(header or '')
    if match is None:
        return None
    first, last = match.groups()
    if first == '':
        if not last:
            return None
        if int(last) == 0:
            raise _unsatisfiable(size)
        length = min(int(last), size)
        return size - length, length
    first = int(first)
    last = min(int(last), size - 1) if last else size - 1
    if first >= size or last < first:
        raise _unsatisfiable(size)
    return first, last - first + 1


def _unsatisfiable(size):
    error = RangeNotSatisfiable(size=size)
    error.headers = {'Content-Range': 'bytes */%d' % size}
    return error


def download(req, image_id):
    req.can(policies.PREFIX % 'download_image')
    image_api = req.services.image_api
    image = image_api.get(req.context, image_id)
    if image['status'] not in ('active', 'deactivated') or \
            image.get('size') is None:
        return wsgi.empty_response(204)
    size = image['size']
    byte_range = requested_range(req.headers.get('Range'), size)
    resp = webob.Response(status=200, charset=None,
                          content_type=_OCTET_STREAM)
    if byte_range is None:
        resp.app_iter = image_api.download(req.context, image_id)
        resp.content_length = size
        if image.get('checksum'):
            resp.headers['Content-MD5'] = image['checksum']
        return resp
    offset, length = byte_range
    resp.status = 206
    resp.app_iter = image_api.download(req.context, image_id,
                                       byte_range=byte_range)
    resp.content_length = length
    resp.headers['Content-Range'] = 'bytes %d-%d/%d' % (
        offset, offset + length - 1, size)
    return resp
