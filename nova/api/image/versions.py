"""The Image API's version documents (no token needed)."""
from nova.api import wsgi

# The Image API v2 minor versions whose behaviour this service follows;
# the first is CURRENT, the rest SUPPORTED.
VERSIONS = ('v2.16', 'v2.15', 'v2.9', 'v2.7', 'v2.6', 'v2.5', 'v2.4',
            'v2.3', 'v2.2', 'v2.1', 'v2.0')


def _document(req):
    href = req.application_url.rstrip('/') + '/v2/'
    return {'versions': [
        {'id': version, 'status': 'CURRENT' if i == 0 else 'SUPPORTED',
         'links': [{'rel': 'self', 'href': href}]}
        for i, version in enumerate(VERSIONS)]}


def multiple_choices(req):
    return wsgi.json_response(_document(req), status=300)


def index(req):
    return wsgi.json_response(_document(req))
