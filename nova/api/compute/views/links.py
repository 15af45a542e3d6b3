"""Link prefixes of one request, computed once and shared by its views.

``self`` links carry the version (``.../v2.1/servers/<id>``), ``bookmark``
links do not (``.../servers/<id>``). ``[api] compute_link_prefix`` replaces
the scheme, host and leading path the client used; a project id that was in
the request URL stays in the links.
"""
from urllib import parse

VERSION_SEGMENT = '/v2.1'


def with_prefix(url, prefix):
    if not prefix:
        return url.rstrip('/')
    parts = parse.urlsplit(url)
    wanted = parse.urlsplit(prefix)
    return parse.urlunsplit((wanted.scheme, wanted.netloc,
                             wanted.path.rstrip('/') + parts.path,
                             parts.query, parts.fragment)).rstrip('/')


class Links:
    def __init__(self, req):
        prefix = req.services.conf.api.compute_link_prefix
        app_url = req.application_url
        unversioned = app_url[:-len(VERSION_SEGMENT)] if app_url.endswith(
            VERSION_SEGMENT) else app_url
        project = req.environ.get('nova.url_project_id')
        tail = '/' + project if project else ''
        self.versioned = with_prefix(app_url, prefix) + tail
        self.bookmark = with_prefix(unversioned, prefix) + tail

    def pair(self, collection, item_id):
        """[self, bookmark] links of one item."""
        return [{'rel': 'self',
                 'href': '%s/%s/%s' % (self.versioned, collection, item_id)},
                {'rel': 'bookmark',
                 'href': '%s/%s/%s' % (self.bookmark, collection, item_id)}]

    def bookmark_only(self, collection, item_id):
        return [{'rel': 'bookmark',
                 'href': '%s/%s/%s' % (self.bookmark, collection, item_id)}]

    def next(self, req, collection, marker):
        """The 'next' link of a page: same query, marker moved on."""
        params = sorted((k, v) for k, v in req.GET.items() if k != 'marker')
        params.append(('marker', marker))
        return {'rel': 'next', 'href': '%s/%s?%s' % (
            self.versioned, collection, parse.urlencode(params))}


def collection_links(req, links, items, collection, max_limit, key='id'):
    """[next] when the page is full, else []."""
    try:
        limit = int(req.GET.get('limit', max_limit))
    except ValueError:
        limit = max_limit
    page = min(limit, max_limit)
    if page and len(items) == page:
        return [links.next(req, collection, items[-1][key])]
    return []
