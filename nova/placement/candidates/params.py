"""GET /allocation_candidates query string -> CandidateRequest.

Which parameters a microversion knows, how suffixed (granular) groups are
named, and the 400s of the Placement API reference for bad input: unknown
or repeated keys, malformed resources, a missing ``group_policy``,
orphaned ``requiredN``/``member_ofN``/``in_treeN``, unknown
``same_subtree`` suffixes.
"""
import re

from nova import exception
from nova.placement.candidates.request import CandidateRequest
from nova.placement.candidates.request import RequestGroup
from nova.placement import query

_NUMBERED = re.compile(r'^(resources|required|member_of|in_tree)'
                       r'([1-9][0-9]*)$')
_NAMED = re.compile(r'^(resources|required|member_of|in_tree)'
                    r'([a-zA-Z0-9_-]{1,64})$')
_SINCE = {'resources': (1, 10), 'limit': (1, 16), 'required': (1, 17),
          'member_of': (1, 21), 'group_policy': (1, 25), 'in_tree': (1, 31),
          'root_required': (1, 35), 'same_subtree': (1, 36)}


def _bad(reason, code=query.BAD_VALUE):
    return exception.PlacementQueryError(reason, error_code=code)


def _split_key(key, version):
    """(parameter, suffix) of a key, or None if the version lacks it."""
    if key in _SINCE:
        return (key, '') if version >= _SINCE[key] else None
    if version < (1, 25):
        return None
    pattern = _NAMED if version >= (1, 33) else _NUMBERED
    match = pattern.match(key)
    if not match or (match.group(1) == 'in_tree' and version < (1, 31)):
        return None
    return match.group(1), match.group(2)


def _keys_by_suffix(params, version):
    """{suffix: {parameter: [values]}}; 400 for an unknown key."""
    groups, unknown = {}, []
    for key in params:
        split = _split_key(key, version)
        if split is None:
            unknown.append(key)
            continue
        name, suffix = split
        groups.setdefault(suffix, {})[name] = params.getall(key)
    if unknown:
        raise _bad('Invalid query string parameters: Additional properties '
                   'are not allowed (%s unexpected)' % ', '.join(
                       repr(k) for k in sorted(unknown)))
    return groups


def _one(values, key):
    if len(values) > 1:
        raise _bad('Query parameter %r may only appear once.' % key,
                   query.DUPLICATE)
    return values[0]


def _resources(values, key):
    resources = query.parse_resources(_one(values, key), key)
    for rc, amount in resources.items():
        if amount < 1:
            raise _bad('Requested resource %s expected positive integer '
                       'amount. Got: %s.' % (rc, amount))
    return resources


def _group(suffix, values, version):
    key = 'resources' + suffix
    group = RequestGroup(suffix=suffix)
    if 'resources' in values:
        group.resources = _resources(values['resources'], key)
    if 'required' in values:
        required = values['required']
        if version < (1, 39):
            required = [_one(required, 'required' + suffix)]
        group.required_traits, group.forbidden_traits = \
            query.parse_required(required, version, 'required' + suffix)
    if 'member_of' in values:
        group.member_of, group.forbidden_aggs = query.parse_member_of(
            values['member_of'], version)
    if 'in_tree' in values:
        group.in_tree = query.check_uuid(
            _one(values['in_tree'], 'in_tree' + suffix), 'in_tree' + suffix)
    return group


def _root_traits(values):
    """root_required=A,!B -> ({A}, {B}); no ``in:`` here."""
    any_of, forbidden = query.parse_required(
        [_one(values, 'root_required')], (1, 22), 'root_required')
    return {name for names in any_of for name in names}, forbidden


def _limit(values):
    text = _one(values, 'limit')
    if not re.match(r'^[1-9][0-9]*$', text):
        raise _bad("Invalid query string parameters: %r does not match "
                   "'^[1-9][0-9]*$'" % text)
    return int(text)


def _same_subtree(values, suffixes):
    found = []
    for text in values:
        names = [n.strip() for n in text.split(',')]
        missing = [n for n in names if n not in suffixes]
        if missing:
            raise _bad('Real suffixes should be specified in '
                       '`same_subtree`: %s not found in %s' % (
                           missing, sorted(s for s in suffixes if s)))
        found.append(names)
    return found


def _check_groups(groups, same_subtree, version):
    """400 for suffixed groups without resources where the version does
    not allow them, and for no resources at all."""
    in_subtree = {s for names in same_subtree for s in names}
    for group in groups:
        if not group.granular or group.resources:
            continue
        if version >= (1, 36):
            if group.suffix not in in_subtree:
                raise _bad('Resourceless suffixed group request should be '
                           'specified in `same_subtree` query param: bad '
                           'group(s) - %s' % [group.suffix])
            continue
        for what, present in (('traits', group.required_traits or
                               group.forbidden_traits),
                              ('member_of', group.member_of or
                               group.forbidden_aggs),
                              ('in_tree', group.in_tree)):
            if present:
                key = {'traits': 'required'}.get(what, what) + group.suffix
                raise _bad('All %s parameters must be associated with '
                           'resources. Found the following orphaned %s '
                           'keys: %s' % (what, what, key))
    if not any(group.resources for group in groups):
        raise _bad("There must be at least one resources or "
                   "resources[$S] parameter." if version >= (1, 25) else
                   "'resources' is a required property",
                   query.MISSING)


def from_query(params, version):
    """A CandidateRequest from a webob MultiDict of query parameters."""
    by_suffix = _keys_by_suffix(params, version)
    wide = by_suffix.pop('', {})
    unsuffixed = {k: v for k, v in wide.items()
                  if k in ('resources', 'required', 'member_of', 'in_tree')}
    groups = [_group('', unsuffixed, version)] if unsuffixed else []
    groups += [_group(s, v, version) for s, v in sorted(by_suffix.items())]
    request = CandidateRequest(groups=groups, nested_aware=version >= (1, 29))
    if 'same_subtree' in wide:
        request.same_subtree = _same_subtree(
            wide['same_subtree'], {g.suffix for g in groups})
    _check_groups(groups, request.same_subtree, version)
    if 'limit' in wide:
        request.limit = _limit(wide['limit'])
    if 'root_required' in wide:
        request.root_required, request.root_forbidden = _root_traits(
            wide['root_required'])
    if 'group_policy' in wide:
        request.group_policy = _one(wide['group_policy'], 'group_policy')
        if request.group_policy not in ('none', 'isolate'):
            raise _bad("Invalid query string parameters: %r is not one of "
                       "['none', 'isolate']" % request.group_policy)
    elif len([g for g in groups if g.granular]) > 1:
        raise _bad('The "group_policy" parameter is required when '
                   'specifying more than one "resources{N}" parameter.',
                   query.MISSING)
    return request
