"""GET /: the version document (no authentication needed)."""
from nova.placement import microversion
from nova.placement import wsgi


def home(req):
    return wsgi.json_response(req, {'versions': [{
        'id': 'v%d.0' % microversion.MAX_VERSION[0],
        'max_version': microversion.to_string(microversion.MAX_VERSION),
        'min_version': microversion.to_string(microversion.MIN_VERSION),
        'status': 'CURRENT',
        'links': [{'rel': 'self', 'href': ''}],
    }]})
