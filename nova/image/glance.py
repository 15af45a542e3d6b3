"""The Image API v2 client back end (``[image] backend = glance``).

Talks to Glance, or to nova-api's own ``/image``, through keystoneauth1:
the endpoint is ``[glance] endpoint_override`` or the ``image`` entry of the
service catalog (the request context's catalog first). A call made for a
user carries the user's token; one made without (periodic tasks) uses the
``[glance]`` auth plugin, or no token at all when none is configured (a
Glance without authentication).
"""
from keystoneauth1 import exceptions as ks_exc
from keystoneauth1 import loading as ks_loading
from keystoneauth1 import noauth
from keystoneauth1 import plugin as ks_plugin
from keystoneauth1 import token_endpoint
from oslo_log import log as logging

from nova import exception
from nova.image import data as image_data
from nova.image.glance_members import MembersMixin
from nova.image import meta

LOG = logging.getLogger(__name__)

PATCH_TYPE = 'application/openstack-images-v2.1-json-patch'
# Keys of a Glance image document that are neither core attributes nor
# properties.
_LINK_KEYS = ('self', 'file', 'schema', 'locations', 'direct_url', 'stores')


class _ContextAuth(ks_plugin.BaseAuthPlugin):
    """The caller's token, and endpoints from the caller's catalog."""

    def __init__(self, context):
        super().__init__()
        self._context = context

    def get_token(self, session, **kwargs):
        return self._context.auth_token

    def get_endpoint(self, session, service_type=None, interface=None,
                     region_name=None, **kwargs):
        interfaces = interface if isinstance(interface, (list, tuple)) \
            else [interface or 'public']
        for service in self._context.service_catalog or ():
            if service.get('type') != service_type:
                continue
            for wanted in interfaces:
                for endpoint in service.get('endpoints', ()):
                    if endpoint.get('interface') == wanted and (
                            not region_name or
                            endpoint.get('region') == region_name):
                        return endpoint.get('url')
        return None


def from_glance(doc):
    """The facade's image dict from a Glance image document."""
    image = {key: doc.get(key) for key in meta.IMAGE_KEYS
             if key != 'properties'}
    image['tags'] = list(doc.get('tags') or ())
    image['protected'] = bool(doc.get('protected'))
    image['os_hidden'] = bool(doc.get('os_hidden'))
    image['min_ram'] = doc.get('min_ram') or 0
    image['min_disk'] = doc.get('min_disk') or 0
    image['properties'] = {k: v for k, v in doc.items()
                           if k not in meta.IMAGE_KEYS and
                           k not in _LINK_KEYS}
    return image


def _message(resp):
    try:
        body = resp.json()
    except ValueError:
        return resp.text.strip()[:500]
    if isinstance(body, dict):
        return str(body.get('message') or body)[:500]
    return str(body)[:500]


def raise_for(resp, image_id=None):
    """Translate an error response into the facade's exceptions."""
    code, message = resp.status_code, _message(resp)
    if code < 400:
        return
    if code == 404:
        raise exception.ImageNotFound(image_id=image_id)
    if code == 403:
        raise exception.Forbidden(message)
    if code == 409:
        raise exception.Conflict(message)
    if code == 413:
        raise exception.ImageTooLarge(message)
    if code in (400, 415):
        raise exception.ImageInvalid(reason=message)
    raise exception.ImageServiceUnavailable(
        reason='HTTP %d from the image service: %s' % (code, message))


class GlanceBackend(MembersMixin):
    """default_endpoint: where to go when neither ``endpoint_override``
    nor a service catalog names one (a compute reaching its own
    deployment's nova-api)."""

    def __init__(self, conf, default_endpoint=None):
        self.conf = conf
        self.default_endpoint = default_endpoint
        self._session = ks_loading.load_session_from_conf_options(
            conf, 'glance')
        self._service_auth = None
        if conf.glance.auth_type:
            self._service_auth = ks_loading.load_auth_from_conf_options(
                conf, 'glance')

    # -- plumbing ----------------------------------------------------------

    def _catalog_endpoint(self, auth):
        adapter = ks_loading.load_adapter_from_conf_options(
            self.conf, 'glance', session=self._session, auth=auth)
        try:
            return adapter.get_endpoint()
        except ks_exc.ClientException as e:
            LOG.debug('No image endpoint from the catalog: %s', e)
            return None

    def endpoint(self, context):
        """The service's base URL (without /v2)."""
        endpoint = self.conf.glance.endpoint_override
        if not endpoint and getattr(context, 'service_catalog', None):
            endpoint = self._catalog_endpoint(_ContextAuth(context))
        if not endpoint and self._service_auth is not None:
            endpoint = self._catalog_endpoint(self._service_auth)
        endpoint = endpoint or self.default_endpoint
        if not endpoint:
            raise exception.ImageServiceUnavailable(
                reason='no image endpoint: set [glance] endpoint_override '
                       'or give the image service a catalog entry')
        endpoint = endpoint.rstrip('/')
        return endpoint[:-3] if endpoint.endswith('/v2') else endpoint

    def _auth(self, context, endpoint):
        token = getattr(context, 'auth_token', None)
        if token:
            return token_endpoint.Token(endpoint, token)
        if self._service_auth is not None:
            return self._service_auth
        return noauth.NoAuth(endpoint=endpoint)

    def request(self, context, method, path, image_id=None, **kwargs):
        """One call; errors raised as the facade's exceptions."""
        endpoint = self.endpoint(context)
        url = path if path.startswith('http') else endpoint + path
        kwargs.setdefault('connect_retries', self.conf.glance.num_retries)
        try:
            resp = self._session.request(
                url, method, auth=self._auth(context, endpoint),
                raise_exc=False, **kwargs)
        except (ks_exc.ConnectionError, ks_exc.RequestTimeout) as e:
            raise exception.ImageServiceUnavailable(reason=e)
        raise_for(resp, image_id)
        return resp

    # -- images ------------------------------------------------------------

    def get(self, context, image_id):
        resp = self.request(context, 'GET', '/v2/images/%s' % image_id,
                            image_id=image_id)
        return from_glance(resp.json())

    def get_all(self, context, filters, sort_key='created_at',
                sort_dir='desc', limit=None, marker=None):
        params = _list_params(filters, sort_key, sort_dir, marker)
        images = []
        path = '/v2/images'
        while True:
            if limit is not None:
                params['limit'] = min(limit - len(images), 1000)
            body = self.request(context, 'GET', path, params=params).json()
            images += [from_glance(doc) for doc in body.get('images', ())]
            if not body.get('next') or not body.get('images') or (
                    limit is not None and len(images) >= limit):
                return images
            path, params = body['next'], {}

    def create(self, context, metadata):
        metadata = dict(metadata)
        body = dict(metadata.pop('properties', None) or {})
        body.update(metadata)
        resp = self.request(context, 'POST', '/v2/images', json=body)
        return from_glance(resp.json())

    def update(self, context, image_id, values, remove_props=()):
        values = dict(values)
        changes = [{'op': 'add', 'path': '/%s' % _escape(name),
                    'value': value}
                   for name, value in (values.pop('properties', None)
                                       or {}).items()]
        changes += [{'op': 'replace', 'path': '/%s' % _escape(name),
                     'value': value} for name, value in values.items()]
        changes += [{'op': 'remove', 'path': '/%s' % _escape(name)}
                    for name in remove_props]
        resp = self.request(context, 'PATCH', '/v2/images/%s' % image_id,
                            image_id=image_id, json=changes,
                            headers={'Content-Type': PATCH_TYPE})
        return from_glance(resp.json())

    def set_active(self, context, image_id, active):
        action = 'reactivate' if active else 'deactivate'
        self.request(context, 'POST', '/v2/images/%s/actions/%s' % (
            image_id, action), image_id=image_id)
        return self.get(context, image_id)

    def delete(self, context, image_id):
        self.request(context, 'DELETE', '/v2/images/%s' % image_id,
                     image_id=image_id)

    # -- data --------------------------------------------------------------

    def upload(self, context, image_id, chunks, size=None, checksum=None):
        digest = image_data.Digest()
        body = _checked_stream(image_id, chunks, digest, size, checksum)
        headers = {'Content-Type': 'application/octet-stream'}
        if size == 0:
            body = b''.join(body)  # requests sends no length for 0
        elif size is not None:
            body = _SizedStream(body, size)  # Content-Length, not chunked
        else:
            # Some servers leave the chunked body's last chunk unread; a
            # kept-alive connection would then start the next request
            # with it.
            headers['Connection'] = 'close'
        try:
            self.request(context, 'PUT', '/v2/images/%s/file' % image_id,
                         image_id=image_id, data=body, connect_retries=0,
                         headers=headers)
        except exception.Conflict:
            raise exception.ImageNotQueued(
                image_id=image_id, status=self.get(context,
                                                   image_id)['status'])
        image = self.get(context, image_id)
        if image.get('checksum') and image['checksum'] != digest.checksum:
            raise exception.ImageDataMismatch(
                image_id=image_id, reason='the image service recorded '
                'checksum %s for data whose MD5 is %s' % (
                    image['checksum'], digest.checksum))
        return image

    def download(self, context, image_id, byte_range=None):
        headers = {}
        if byte_range:
            offset, length = byte_range
            headers['Range'] = 'bytes=%d-%d' % (offset, offset + length - 1)
        resp = self.request(context, 'GET', '/v2/images/%s/file' % image_id,
                            image_id=image_id, stream=True, headers=headers)
        if resp.status_code == 204:
            resp.close()
            return iter(())
        return _response_chunks(resp, self.conf.glance.chunk_size)


def _escape(name):
    return name.replace('~', '~0').replace('/', '~1')


def _list_params(filters, sort_key, sort_dir, marker):
    params = {}
    for name, value in (filters or {}).items():
        if name == 'properties':
            params.update(value or {})
        elif isinstance(value, bool):
            params[name] = 'true' if value else 'false'
        elif value is not None:
            params[name] = value
    keys = [sort_key] if isinstance(sort_key, str) else list(sort_key)
    dirs = [sort_dir] if isinstance(sort_dir, str) else list(sort_dir)
    params['sort_key'], params['sort_dir'] = keys, dirs
    if marker:
        params['marker'] = marker
    return params


class _SizedStream:
    """An iterable body of known length (requests then sends a
    Content-Length instead of chunks)."""

    def __init__(self, chunks, size):
        self._chunks = chunks
        self._size = size

    def __iter__(self):
        return iter(self._chunks)

    def __len__(self):
        return self._size


def _checked_stream(image_id, chunks, digest, size, checksum):
    """The chunks, hashed on the way; raising before the end of the body
    when size or checksum do not match, so the service never gets a
    complete upload of wrong data."""
    for chunk in chunks:
        digest.update(chunk)
        yield chunk
    if size is not None and size != digest.size:
        raise exception.ImageUploadIncomplete(
            image_id=image_id, received=digest.size,
            reason='expected %d bytes' % size)
    if checksum is not None and checksum != digest.checksum:
        raise exception.ImageDataMismatch(
            image_id=image_id, reason='checksum %s does not match the data'
            % checksum)


def _response_chunks(resp, chunk_size):
    try:
        for chunk in resp.iter_content(chunk_size):
            yield chunk
    finally:
        resp.close()
