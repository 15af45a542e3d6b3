"""Which back end the facade picks."""
from nova import conf as nova_conf
from nova.image import api as image_api
from nova.image import glance
from nova.image.store import backend as store_backend
from nova.objects import base as objects_base
from nova.objects import indirection


def _conf(**overrides):
    return nova_conf.build_conf(overrides=overrides, register_logging=False)


def _backend_with(indirection_api, **overrides):
    previous = objects_base.NovaObject.indirection_api
    objects_base.NovaObject.indirection_api = indirection_api
    try:
        return image_api.API(_conf(**overrides)).backend
    finally:
        objects_base.NovaObject.indirection_api = previous


def test_store_in_a_process_with_the_database():
    assert isinstance(_backend_with(None), store_backend.StoreBackend)


def test_store_in_nova_all_where_only_compute_threads_are_remote():
    shared = indirection.ThreadLocalIndirection(object())
    assert isinstance(_backend_with(shared), store_backend.StoreBackend)


def test_a_separate_compute_reaches_the_store_over_http():
    assert isinstance(_backend_with(object()), glance.GlanceBackend)


def test_glance_when_configured():
    backend = _backend_with(None, **{'image.backend': 'glance'})
    assert isinstance(backend, glance.GlanceBackend)


def test_a_separate_compute_defaults_to_its_own_api():
    backend = _backend_with(object(), **{'wsgi.listen': '0.0.0.0',
                                         'wsgi.port': 8775})
    assert backend.endpoint(None) == 'http://127.0.0.1:8775/image'


def _context(catalog):
    from nova import context as nova_context
    return nova_context.RequestContext(user_id='u', project_id='p',
                                       auth_token='t',
                                       service_catalog=catalog)


def test_glance_endpoint_override_wins_and_loses_its_v2():
    backend = glance.GlanceBackend(_conf(**{
        'glance.endpoint_override': 'http://g:9292/v2/'}))
    assert backend.endpoint(_context([])) == 'http://g:9292'


def test_glance_endpoint_from_the_callers_catalog():
    catalog = [{'type': 'compute', 'endpoints': []},
               {'type': 'image', 'endpoints': [
                   {'interface': 'admin', 'url': 'http://admin:9292'},
                   {'interface': 'public', 'url': 'http://public:9292'}]}]
    backend = glance.GlanceBackend(_conf())
    assert backend.endpoint(_context(catalog)) == 'http://public:9292'


def test_glance_without_any_endpoint_is_unavailable():
    import pytest
    from nova import exception
    with pytest.raises(exception.ImageServiceUnavailable):
        glance.GlanceBackend(_conf()).endpoint(_context([]))


def test_what_a_compute_loads_never_imports_the_database():
    """The facade and the HTTP client run inside nova-compute; only the
    store (chosen where a database is at hand) may import nova.db."""
    import ast
    import pathlib
    root = pathlib.Path(image_api.__file__).parent
    for name in ('api.py', 'glance.py', 'glance_members.py', 'data.py',
                 'meta.py'):
        tree = ast.parse((root / name).read_text())
        for node in ast.walk(tree):
            modules = [a.name for a in getattr(node, 'names', ())] \
                if isinstance(node, ast.Import) else \
                [node.module or ''] if isinstance(node, ast.ImportFrom) \
                else []
            assert not [m for m in modules if m.startswith('nova.db')], name
