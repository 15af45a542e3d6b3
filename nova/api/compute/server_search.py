"""The query string of a server list, as the compute API's search options.

Non-admins may filter by the few parameters the API documents for them
(more with later microversions); other parameters they pass are dropped,
as Nova does, unless 2.75 closed the query string (then they are a 400 at
validation). Filters that cannot match anything here (``ip``, ``ip6``:
servers have no addresses yet; ``tags``, ``tags-any``: servers have no
tags yet) make the list empty without asking the compute API.
"""
import copy

from oslo_utils import strutils
from oslo_utils import timeutils

from nova.api.compute.schemas import servers as schemas
from nova.api.compute.views import servers as views
from nova.api import validation
from nova import exception
from nova import objects
from nova.policies import servers as policies

# Filter -> the microversion from which non-admins may use it.
_USER_FILTERS = dict(
    dict.fromkeys(['reservation_id', 'name', 'status', 'image', 'flavor',
                   'ip', 'changes-since', 'all_tenants'], (2, 1)),
    ip6=(2, 5), **{'changes-before': (2, 66)},
    **dict.fromkeys(['tags', 'tags-any', 'not-tags', 'not-tags-any'],
                    (2, 26)),
    locked=(2, 73),
    **dict.fromkeys(['availability_zone', 'config_drive', 'key_name',
                     'created_at', 'launched_at', 'terminated_at',
                     'power_state', 'task_state', 'vm_state', 'progress',
                     'user_id'], (2, 83)))
_PAGING = frozenset(['limit', 'marker', 'sort_key', 'sort_dir'])
# Query name -> instance column, for the filters passed through as they are.
_COLUMNS = {'reservation_id': 'reservation_id', 'name': 'name',
            'display_name': 'name', 'host': 'host', 'node': 'node',
            'uuid': 'uuid', 'user_id': 'user_id', 'key_name': 'key_name',
            'availability_zone': 'availability_zone',
            'config_drive': 'config_drive', 'hostname': 'hostname',
            'kernel_id': 'kernel_id', 'ramdisk_id': 'ramdisk_id',
            'root_device_name': 'root_device_name', 'locked_by': 'locked_by',
            'access_ip_v4': 'access_ip_v4', 'access_ip_v6': 'access_ip_v6',
            'description': 'display_description',
            'display_description': 'display_description',
            'image_ref': 'image_ref', 'created_at': 'created_at',
            'launched_at': 'launched_at', 'terminated_at': 'terminated_at'}
_INT_COLUMNS = ('power_state', 'progress', 'launch_index')
_NEVER_MATCH = ('ip', 'ip6', 'tags', 'tags-any')


class NothingMatches(Exception):
    """A filter no server can pass: the list is empty."""


class Search:
    """What the compute API's get_all is asked."""

    def __init__(self):
        self.context = None
        self.options = {}
        self.nothing_matches = False
        self.limit = self.marker = None
        self.sort_keys = self.sort_dirs = None


def parse(req, detail):
    params = validation.validate_query(schemas.list_query(req.api_version),
                                       req)
    search = Search()
    search.context = req.context
    max_limit = req.services.conf.api.max_limit
    search.limit = min(int(validation.last(params, 'limit', max_limit)),
                       max_limit)
    search.marker = validation.last(params, 'marker')
    search.sort_keys, search.sort_dirs = _sort(req, params)
    try:
        search.options = _options(req, params, detail)
    except NothingMatches:
        search.nothing_matches = True
        return search
    if 'changes-since' in search.options or \
            'changes-before' in search.options:
        # Changed servers include the deleted ones.
        if 'deleted' not in search.options:
            search.context = copy.copy(req.context)
            search.context.read_deleted = 'yes'
    return search


def _options(req, params, detail):
    opts = {k: validation.last(params, k) for k in params
            if k not in _PAGING}
    version = req.api_version
    if not req.can(policies.SERVERS % 'allow_all_filters', fatal=False):
        opts = {k: v for k, v in opts.items()
                if version >= _USER_FILTERS.get(k, (99, 0))}
    if any(k in opts for k in _NEVER_MATCH):
        raise NothingMatches()
    result = {'project_id': _project(req, opts, detail)}
    if result['project_id'] is None:
        del result['project_id']
    for key, column in _COLUMNS.items():
        if key in opts:
            result[column] = opts[key]
    for key in _INT_COLUMNS:
        if key in opts:
            result[key] = _int(opts[key])
    for key in ('vm_state', 'task_state'):
        if key in opts:
            result[key] = [opts[key]]
    if 'image' in opts:
        result['image_ref'] = opts['image'].rstrip('/').rsplit('/', 1)[-1]
    if 'flavor' in opts:
        result['instance_type_id'] = _flavor_id(req, opts['flavor'])
    if 'locked' in opts:
        result['locked'] = strutils.bool_from_string(opts['locked'])
    _changes(opts, result)
    _status(req, opts, result)
    return result


def _int(value):
    try:
        return int(value)
    except ValueError:
        raise NothingMatches()


def _project(req, opts, detail):
    """The project filter; None lists every project (all_tenants)."""
    value = opts.get('all_tenants')
    all_tenants = False
    if 'all_tenants' in opts:
        try:
            all_tenants = value == '' or strutils.bool_from_string(
                value, strict=True)
        except ValueError as e:
            raise exception.Invalid(str(e))
    if not all_tenants:
        return req.context.project_id
    req.can(policies.SERVERS % (
        '%s:get_all_tenants' % ('detail' if detail else 'index')))
    return opts.get('project_id') or opts.get('tenant_id')


def _flavor_id(req, flavor_ref):
    try:
        return objects.Flavor.get_by_flavor_id(
            req.context, flavor_ref.rstrip('/').rsplit('/', 1)[-1]).id
    except exception.FlavorNotFound:
        raise NothingMatches()


def _changes(opts, result):
    for key in ('changes-since', 'changes-before'):
        if key in opts:
            result[key] = timeutils.parse_isotime(opts[key])
    since, before = result.get('changes-since'), result.get('changes-before')
    if since and before and since > before:
        raise exception.Invalid('The value of changes-since must be less '
                                'than or equal to changes-before.')
    if 'deleted' in opts:
        result['deleted'] = strutils.bool_from_string(opts['deleted'])
    elif not (since or before):
        result['deleted'] = False


def _status(req, opts, result):
    if 'status' not in opts:
        return
    vm_states, task_states = views.states_of(opts['status'].split(','))
    if not vm_states:
        if req.api_version >= (2, 38):
            raise exception.Invalid('Invalid status value')
        raise NothingMatches()
    result['vm_state'] = vm_states
    if task_states is not None:
        result['task_state'] = task_states
    if vm_states == ['deleted']:
        if not req.context.is_admin:
            raise exception.Forbidden(
                'Only administrators may list deleted instances')
        result['deleted'] = True


def _sort(req, params):
    """(sort_keys, sort_dirs); created_at desc when none is given."""
    keys = params.get('sort_key', [])
    dirs = params.get('sort_dir', [])
    if len(dirs) > max(len(keys), 1):
        raise exception.Invalid('Sort direction size exceeds sort key size')
    ignored = set(schemas.IGNORED_SORT_KEYS)
    if req.api_version >= (2, 73):
        ignored.discard('locked')
    if not req.context.is_admin:
        ignored |= schemas.ADMIN_SORT_KEYS
    default_dir = dirs[0] if dirs else 'desc'
    pairs = [(key, dirs[i] if i < len(dirs) else default_dir)
             for i, key in enumerate(keys) if key not in ignored]
    if not pairs:
        return ['created_at'], [default_dir if not keys else 'desc']
    return [k for k, _ in pairs], [d for _, d in pairs]
