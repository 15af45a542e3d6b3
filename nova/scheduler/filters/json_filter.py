"""JsonFilter: the ``query`` scheduler hint, a JSON expression over the
host's figures, e.g. ``[">=", "$free_ram_mb", 1024]``.

Operators: = < > in <= >= not or and. Variables: ``$`` and a HostState
attribute (``$free_ram_mb``, ``$free_disk_gb``, ``$vcpus_total``,
``$num_instances``, ``$host``, ...), dotted for dict items
(``$stats.foo``). An unknown variable makes its comparison false.
"""
import operator

from nova.scheduler import filters

_MISSING = object()


def _compare(op):
    def run(args):
        if len(args) < 2 or any(a is _MISSING or a is None for a in args):
            return False
        try:
            return all(op(args[0], other) for other in args[1:])
        except TypeError:
            return False
    return run


def _in(args):
    return len(args) >= 2 and args[0] in args[1:]


def _not(args):
    return [not a for a in args] if len(args) > 1 else \
        (not args[0] if args else False)


_OPS = {
    '=': _compare(operator.eq), '<': _compare(operator.lt),
    '>': _compare(operator.gt), '<=': _compare(operator.le),
    '>=': _compare(operator.ge), 'in': _in, 'not': _not,
    'or': lambda args: any(args), 'and': lambda args: all(args),
}


def _variable(host, name):
    parts = name[1:].split('.')
    value = getattr(host, parts[0], _MISSING)
    for part in parts[1:]:
        if not isinstance(value, dict):
            return _MISSING
        value = value.get(part, _MISSING)
    return value


def evaluate(query, host):
    """The value of a query expression (a list, a $variable or a literal).
    """
    if isinstance(query, list):
        if not query:
            return True
        op = _OPS.get(query[0])
        if op is None:
            return False
        return op([evaluate(arg, host) for arg in query[1:]])
    if isinstance(query, str) and query.startswith('$'):
        return _variable(host, query)
    return query


class JsonFilter(filters.BaseHostFilter):
    def applies(self, request):
        return bool(request.query)

    def host_passes(self, host, request):
        return bool(evaluate(request.query, host))

    def reason(self, request):
        return 'no host matches the query scheduler hint'
