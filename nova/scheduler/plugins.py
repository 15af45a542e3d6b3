"""Load the scheduler's filters and weighers by name, in order."""
import importlib


def load(conf, names, table, package, error, kind):
    """Instances of the named classes: each name's module (``table`` maps
    name to module under ``package``) defines a class of that name.
    Raises ``error`` naming the known ones for an unknown name."""
    result = []
    for name in names:
        module = table.get(name)
        if module is None:
            raise error('Unknown scheduler %s %r; known: %s'
                        % (kind, name, ', '.join(sorted(table))))
        mod = importlib.import_module('%s.%s' % (package, module))
        result.append(getattr(mod, name)(conf))
    return result
