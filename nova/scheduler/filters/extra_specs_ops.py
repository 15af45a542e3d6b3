"""The comparison language of capability and aggregate extra specs.

A requirement is ``"<op> value"`` or a bare value: ``"= 4"`` means at least
4 (numeric), ``"== 4"`` numerically equal, ``"s== kvm"`` string equal,
``"<in> sub"`` substring, ``"<all-in> a b"`` every word among the value's
items, ``"<or> a <or> b"`` any of; a bare value is string equality.
"""
import operator

_NUMERIC = {'=': operator.ge, '==': operator.eq, '!=': operator.ne,
            '>=': operator.ge, '<=': operator.le}
_STRING = {'s==': operator.eq, 's!=': operator.ne, 's<': operator.lt,
           's<=': operator.le, 's>': operator.gt, 's>=': operator.ge}


def _number(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def match(value, requirement):
    """Whether a host's value meets a requirement string."""
    words = str(requirement).split()
    if not words:
        return str(value) == str(requirement)
    op = words[0]
    if op == '<or>':
        options = [w for w in words if w != '<or>']
        return str(value) in options
    if op in _NUMERIC and len(words) == 2:
        have, want = _number(value), _number(words[1])
        return have is not None and want is not None and \
            _NUMERIC[op](have, want)
    if op in _STRING and len(words) == 2:
        return _STRING[op](str(value), words[1])
    if op == '<in>' and len(words) == 2:
        return words[1] in str(value)
    if op == '<all-in>':
        items = value if isinstance(value, (list, set, tuple)) else \
            str(value).split()
        return all(w in items for w in words[1:])
    return str(value) == str(requirement)
