"""Layering the design promises, enforced by a test rather than review."""
import ast
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2] / 'nova'

# Modules that run inside nova-compute: they reach state through objects
# only (the conductor does the SQL).
COMPUTE_SIDE = ['virt', 'compute/manager.py', 'compute/build.py',
                'compute/resource_tracker.py',
                'compute/image_cache.py', 'compute/snapshot.py']


def _imports(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
            for alias in node.names:
                yield '%s.%s' % (node.module, alias.name)


def _files(rel):
    path = ROOT / rel
    return [path] if path.is_file() else sorted(path.rglob('*.py'))


def test_compute_side_never_imports_the_database():
    for rel in COMPUTE_SIDE:
        for path in _files(rel):
            bad = [m for m in _imports(path) if m.startswith('nova.db')]
            assert not bad, '%s imports %s' % (path, bad)


def test_nothing_imports_eventlet():
    for path in ROOT.rglob('*.py'):
        bad = [m for m in _imports(path) if m.split('.')[0] == 'eventlet']
        assert not bad, '%s imports eventlet' % path


def test_options_are_declared_only_in_conf():
    for path in ROOT.rglob('*.py'):
        if 'conf' in path.relative_to(ROOT).parts[:1]:
            continue
        source = path.read_text()
        for maker in ('cfg.StrOpt(', 'cfg.IntOpt(', 'cfg.BoolOpt(',
                      'cfg.ListOpt(', 'cfg.FloatOpt('):
            assert maker not in source, '%s declares an option' % path


def test_virt_drivers_do_not_import_each_other():
    for path in (ROOT / 'virt').rglob('*.py'):
        rel = path.relative_to(ROOT / 'virt')
        own = rel.parts[0].removesuffix('.py')
        for module in _imports(path):
            if module.startswith('nova.virt.'):
                other = module.split('.')[2]
                assert other in (own, 'driver'), \
                    '%s imports nova.virt.%s' % (path, other)
