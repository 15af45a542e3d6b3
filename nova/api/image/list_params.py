"""Query parameters of ``GET /v2/images``: filters, sorting, paging.

Sorting is either ``sort_key``/``sort_dir`` (each repeatable; one dir for
all keys or one per key) or ``sort=key[:dir],...``, not both. Any parameter
that is not a known filter filters on the property of that name.
"""
from urllib import parse

from nova import exception
from nova.image import meta

DEFAULT_LIMIT = 25
MAX_LIMIT = 1000
SORT_KEYS = ('name', 'status', 'container_format', 'disk_format', 'size',
             'id', 'created_at', 'updated_at', 'visibility', 'owner',
             'min_ram', 'min_disk', 'virtual_size')
_NOT_FILTERS = ('limit', 'marker', 'sort_key', 'sort_dir', 'sort')
_STRING_FILTERS = ('id', 'name', 'status', 'owner', 'disk_format',
                   'container_format')


def _bad(reason):
    return exception.ImageInvalid(reason=reason)


def _integer(name, value):
    try:
        number = int(value)
    except ValueError:
        raise _bad('%s must be an integer' % name)
    if number < 0:
        raise _bad('%s must be zero or more' % name)
    return number


def _boolean(name, value):
    lowered = value.lower()
    if lowered not in ('true', 'false'):
        raise _bad('%s must be true or false' % name)
    return lowered == 'true'


def _sort_dir(value):
    if value not in ('asc', 'desc'):
        raise _bad("sort direction %s is not 'asc' or 'desc'" % value)
    return value


def _sort_key(value):
    if value not in SORT_KEYS:
        raise _bad('unsupported sort key %s' % value)
    return value


def sorting(params):
    """(keys, dirs) from the query parameters."""
    keys, dirs = params.getall('sort_key'), params.getall('sort_dir')
    if 'sort' in params:
        if keys or dirs:
            raise _bad("'sort' cannot be combined with sort_key/sort_dir")
        pairs = [p.partition(':') for p in params['sort'].split(',') if p]
        keys = [_sort_key(k.strip()) for k, _, _ in pairs]
        dirs = [_sort_dir(d.strip() or 'desc') for _, _, d in pairs]
        return keys or ['created_at'], dirs or ['desc']
    keys = [_sort_key(k) for k in keys] or ['created_at']
    dirs = [_sort_dir(d) for d in dirs] or ['desc']
    if len(dirs) not in (1, len(keys)):
        raise _bad('give one sort_dir, or one per sort_key')
    return keys, dirs * len(keys) if len(dirs) == 1 else dirs


def paging(params):
    """(limit, marker)."""
    limit = DEFAULT_LIMIT
    if 'limit' in params:
        limit = min(_integer('limit', params['limit']), MAX_LIMIT)
    return limit, params.get('marker')


def filters(params):
    result, props = {}, {}
    for name in set(params.keys()) - set(_NOT_FILTERS):
        value = params[name]
        if name in _STRING_FILTERS:
            result[name] = value
        elif name == 'visibility':
            if value not in meta.VISIBILITIES + ('all',):
                raise _bad('visibility must be one of %s or all'
                           % ', '.join(meta.VISIBILITIES))
            result[name] = value
        elif name == 'member_status':
            if value not in meta.MEMBER_STATUSES + ('all',):
                raise _bad('member_status must be one of %s or all'
                           % ', '.join(meta.MEMBER_STATUSES))
            result[name] = value
        elif name in ('size_min', 'size_max'):
            result[name] = _integer(name, value)
        elif name in ('protected', 'os_hidden'):
            result[name] = _boolean(name, value)
        elif name == 'tag':
            result['tag'] = params.getall('tag')
        elif name in meta.TIME_FILTERS:
            meta.parse_time_filter(name, value)  # 400 now, not later
            result[name] = value
        else:
            props[name] = value
    result['properties'] = props
    return result


def next_link(params, last_id):
    """The ``next`` href: the same query with the marker moved on."""
    query = [(k, v) for k, v in params.items() if k != 'marker']
    query.append(('marker', last_id))
    return '/v2/images?%s' % parse.urlencode(query)
