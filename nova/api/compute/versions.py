"""Version documents: ``GET /``, ``GET /v2.1/`` and the identity shim.

None of them needs authentication. ``GET /`` answers 200 (as Nova does)
with the list of versions; only v2.1 is served, so only v2.1 is listed.

``GET /identity`` and ``GET /identity/v3`` answer an identity v3 version
document: openstackclient builds an identity v3 client up front even for
compute calls, and without Keystone it needs something that looks like
one (see doc/api and shared notes on clients).
"""
from nova.api.compute.views import links as links_view
from nova.api import microversion
from nova.api import wsgi

V21_UPDATED = '2013-07-23T11:33:21Z'
IDENTITY_UPDATED = '2020-04-07T00:00:00Z'


def _base_url(req):
    """The URL of the API root, with [api] compute_link_prefix applied."""
    return links_view.with_prefix(req.host_url + req.script_name,
                                  req.services.conf.api.compute_link_prefix)


def _v21(base):
    return {
        'id': 'v2.1',
        'status': 'CURRENT',
        'version': microversion.fmt(microversion.MAX_VERSION),
        'min_version': microversion.fmt(microversion.MIN_VERSION),
        'updated': V21_UPDATED,
        'links': [{'rel': 'self', 'href': base + '/v2.1/'}],
    }


def index(req):
    return wsgi.json_response({'versions': [_v21(_base_url(req))]})


def show_v21(req):
    # Root moved /v2.1 into SCRIPT_NAME; strip it to get the API root.
    base = _base_url(req)
    if base.endswith('/v2.1'):
        base = base[:-len('/v2.1')]
    version = _v21(base)
    version['links'].append({'rel': 'describedby', 'type': 'text/html',
                             'href': 'https://docs.openstack.org/'})
    version['media-types'] = [{
        'base': 'application/json',
        'type': 'application/vnd.openstack.compute+json;version=2.1'}]
    return wsgi.json_response({'version': version})


def identity(req):
    base = _base_url(req)
    if base.endswith('/identity'):
        base = base[:-len('/identity')]
    return wsgi.json_response({'version': {
        'id': 'v3.14',
        'status': 'stable',
        'updated': IDENTITY_UPDATED,
        'links': [{'rel': 'self', 'href': base + '/identity/v3/'}],
        'media-types': [{
            'base': 'application/json',
            'type': 'application/vnd.openstack.identity-v3+json'}],
    }})
