"""A placement on a fresh SQLite API database per test."""
import pytest

from nova import conf as nova_conf
from nova import context as nova_context
from nova.db import engines
from nova.db import migration
from nova.placement import direct


@pytest.fixture
def api_db_conf(tmp_path):
    url = 'sqlite:///%s' % (tmp_path / 'nova_api.sqlite')
    conf = nova_conf.build_conf(overrides={'api_database.connection': url})
    migration.create_schema(url, 'api')
    yield conf
    engines.get_engine(url).dispose()


@pytest.fixture
def placement(api_db_conf):
    return direct.Placement(api_db_conf)


@pytest.fixture
def ctx():
    return nova_context.get_admin_context()
