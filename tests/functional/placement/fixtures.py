"""Gabbi fixtures of the placement API tests: a fresh SQLite API database
and placement app per YAML file, in-process (httpx's WSGI transport).

Use from YAML with ``fixtures: [APIFixture]``. Tests reach the app with
the noauth2 token ``admin:admin``; ids the tests may use are in environment
variables (``$ENVIRON['RP_UUID']`` ...), fresh for every file.

To pre-populate the database, subclass :class:`APIFixture` in any module of
this directory whose name ends in ``fixtures.py`` and override
``populate(placement, context)`` (placement is a
``nova.placement.direct.Placement`` on the fixture's database).
"""
import os
import shutil
import tempfile
import uuid

from gabbi import fixture

from nova import conf as nova_conf
from nova import context as nova_context
from nova.db import engines
from nova.db import migration
from nova.placement import app as placement_app
from nova.placement import direct

_CURRENT = {}
ENV_UUIDS = ('RP_UUID', 'RP_UUID2', 'PARENT_PROVIDER_UUID', 'ALT_PARENT_UUID',
             'CONSUMER_UUID', 'CONSUMER_UUID2', 'INSTANCE_UUID',
             'MIGRATION_UUID', 'PROJECT_ID', 'USER_ID', 'ALT_PROJECT_ID',
             'ALT_USER_ID', 'AGGA_UUID', 'AGGB_UUID', 'AGGC_UUID')


def _current_app(environ, start_response):
    if 'app' not in _CURRENT:
        raise RuntimeError('no placement fixture is running: name one in '
                           'the YAML file (fixtures: [APIFixture])')
    return _CURRENT['app'](environ, start_response)


def setup_app():
    """The intercept factory. Gabbi builds its clients before fixtures
    start, so this hands out a WSGI callable that finds the app of the
    fixture running at request time."""
    return _current_app


class APIFixture(fixture.GabbiFixture):
    """An empty placement (plus whatever populate adds)."""

    def start_fixture(self):
        self.tmp = tempfile.mkdtemp(prefix='placement-gabbi-')
        self.url = 'sqlite:///%s' % os.path.join(self.tmp, 'api.sqlite')
        self.conf = nova_conf.build_conf(overrides={
            'api_database.connection': self.url,
            'api.auth_strategy': 'noauth2'})
        migration.create_schema(self.url, 'api')
        self._saved_env = {k: os.environ.get(k) for k in ENV_UUIDS}
        for name in ENV_UUIDS:
            os.environ[name] = str(uuid.uuid4())
        os.environ['RP_NAME'] = 'rp-' + os.environ['RP_UUID'][:8]
        self.placement = direct.Placement(self.conf)
        self.context = nova_context.get_admin_context()
        self.populate(self.placement, self.context)
        _CURRENT['app'] = placement_app.loadapp(self.conf)

    def populate(self, placement, context):
        """Subclasses add providers, inventories and allocations here."""

    def stop_fixture(self):
        _CURRENT.pop('app', None)
        for name, value in self._saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        engines.get_engine(self.url).dispose()
        shutil.rmtree(self.tmp, ignore_errors=True)


class ProviderFixture(APIFixture):
    """One compute-like root provider RP_UUID (name RP_NAME) with VCPU 8,
    MEMORY_MB 2048 (512 reserved) and DISK_GB 100, and the trait
    HW_CPU_X86_AVX."""

    def populate(self, placement, context):
        placement.sync_provider(
            context, os.environ['RP_UUID'], os.environ['RP_NAME'],
            {'VCPU': {'total': 8},
             'MEMORY_MB': {'total': 2048, 'reserved': 512},
             'DISK_GB': {'total': 100}}, {'HW_CPU_X86_AVX'})
