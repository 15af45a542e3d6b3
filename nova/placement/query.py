"""Query-string parsing shared by the placement handlers.

Values come from webob's MultiDict; errors are 400s with the placement
query error codes (placement.query.duplicate_key, placement.query.bad_value,
placement.query.missing_value).
"""
import os_resource_classes as orc
from oslo_utils import uuidutils

from nova import exception

DUPLICATE = 'placement.query.duplicate_key'
BAD_VALUE = 'placement.query.bad_value'
MISSING = 'placement.query.missing_value'


def check_keys(req, allowed):
    """400 for a parameter the version does not know."""
    unknown = sorted(set(req.GET) - set(allowed))
    if unknown:
        raise exception.PlacementQueryError(
            reason='Additional properties '
                   'are not allowed (%s unexpected)' % ', '.join(
                       repr(k) for k in unknown))


def single(req, name, repeatable=False):
    """The one value of name (None if absent); 400 if it repeats."""
    values = req.GET.getall(name)
    if not values:
        return None
    if len(values) > 1 and not repeatable:
        raise exception.PlacementQueryError(
            reason='Query parameter %r may only appear once.' % name,
            error_code=DUPLICATE)
    return values[0]


def parse_resources(text, param='resources'):
    """'VCPU:2,MEMORY_MB:512' -> {'VCPU': 2, 'MEMORY_MB': 512}."""
    resources = {}
    for item in text.split(','):
        rc, sep, amount = item.strip().partition(':')
        rc = rc.strip()
        try:
            amount = int(amount)
        except ValueError:
            amount = None
        if not sep or not rc or amount is None or amount < 0:
            raise exception.PlacementQueryError(
                reason='Badly formed %s parameter. Expected %s parameter '
                       'in form: %s=VCPU:2,MEMORY_MB:1024. Got: %s' % (
                           param, param, param, text),
                error_code=BAD_VALUE)
        if rc in resources:
            raise exception.PlacementQueryError(
                reason="Badly formed %s parameter: resource class %s "
                       "appears more than once." % (param, rc),
                error_code=BAD_VALUE)
        resources[rc] = amount
    return resources


def _names(text, param):
    names = [n.strip() for n in text.split(',')]
    if not all(names):
        raise exception.PlacementQueryError(
            reason='Expected %s parameter '
                   'to be a comma-separated list. Got: %s' % (param, text),
            error_code=BAD_VALUE)
    return names


def parse_required(values, version, param='required'):
    """Trait expressions -> (list of any-of sets, forbidden set).

    'A,!B' (forbidden from 1.22), 'in:A,C' (any of, from 1.39); several
    values (from 1.39) all apply.
    """
    any_of, forbidden = [], set()
    for text in values:
        if text.startswith('in:') and version >= (1, 39):
            names = _names(text[3:], param)
            if any(n.startswith('!') for n in names):
                raise exception.PlacementQueryError(
                    reason='forbidden '
                           'traits are not allowed in an in: list: %s'
                           % text, error_code=BAD_VALUE)
            any_of.append(set(names))
            continue
        for name in _names(text, param):
            if name.startswith('!') and version >= (1, 22):
                forbidden.add(name[1:])
            else:
                any_of.append({name})
    conflict = {n for group in any_of if len(group) == 1
                for n in group} & forbidden
    if conflict:
        raise exception.PlacementQueryError(
            reason="Conflicting required and forbidden traits found in "
                   "the following traits keys: %s" % ', '.join(
                       sorted(conflict)), error_code=BAD_VALUE)
    return any_of, forbidden


def parse_member_of(values, version):
    """member_of values -> (list of any-of uuid sets, forbidden set)."""
    if len(values) > 1 and version < (1, 24):
        raise exception.PlacementQueryError(
            reason='Multiple member_of parameters are not supported at '
                   'this microversion.', error_code=BAD_VALUE)
    groups, forbidden = [], set()
    for text in values:
        negate = version >= (1, 32) and text.startswith('!')
        if negate:
            text = text[1:]
            if text.startswith('!'):
                raise exception.PlacementQueryError(
                    reason='Expected '
                           'member_of parameter to contain a single "!"',
                    error_code=BAD_VALUE)
        if text.startswith('in:'):
            uuids = set(_names(text[3:], 'member_of'))
        else:
            uuids = {text}
            if ',' in text:
                raise exception.PlacementQueryError(
                    reason="Expected "
                           "'member_of' to be 'in:' followed by a comma-"
                           "separated list of uuids or one uuid. Got: %s"
                           % text, error_code=BAD_VALUE)
        bad = [u for u in uuids if not uuidutils.is_uuid_like(u)]
        if bad:
            raise exception.PlacementQueryError(
                reason='Expected '
                       'member_of parameter to contain valid UUID(s). '
                       'Got: %s' % ', '.join(sorted(bad)),
                error_code=BAD_VALUE)
        if negate:
            forbidden |= uuids
        else:
            groups.append(uuids)
    return groups, forbidden


def check_uuid(value, param):
    if not uuidutils.is_uuid_like(value):
        raise exception.PlacementQueryError(
            reason="%s is not a valid "
                   "uuid for %s" % (value, param), error_code=BAD_VALUE)
    return value


def is_resource_class_name(name):
    return name in orc.STANDARDS or orc.is_custom(name)
