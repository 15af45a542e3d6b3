"""Helpers of the REST-layer unit tests: requests without a database."""
import datetime
import warnings

import pytest
import webob

from nova.api import app as api_app
from nova.api import wsgi
from nova import conf as nova_conf
from nova import context as nova_context
from nova import objects

warnings.filterwarnings('ignore', category=DeprecationWarning)
objects.register_all()
NOW = datetime.datetime(2024, 5, 6, 7, 8, 9, 123456,
                        tzinfo=datetime.timezone.utc)


@pytest.fixture(scope='session')
def conf():
    return nova_conf.build_conf()


@pytest.fixture(scope='session')
def services(conf):
    return api_app.Services(conf)


@pytest.fixture
def make_req(services):
    """make_req(version=(2, 1), user='demo', project='p1', roles=None)."""
    def make(version=(2, 1), user='demo', project='p1', roles=None,
             path='/servers/detail', query=''):
        roles = roles if roles is not None else (
            ['admin', 'member', 'reader'] if user == 'admin'
            else ['member', 'reader'])
        environ = webob.Request.blank(
            path + ('?' + query if query else '')).environ
        environ.update({
            'SCRIPT_NAME': '/v2.1',
            'nova.services': services,
            'nova.api_version': version,
            'nova.context': nova_context.RequestContext(
                user_id=user, project_id=project, roles=roles)})
        return wsgi.Request(environ)
    return make


def make_flavor(**kw):
    values = dict(id=7, flavorid='42', name='m1.small', memory_mb=2048,
                  vcpus=2, root_gb=20, ephemeral_gb=0, swap=0,
                  rxtx_factor=1.0, vcpu_weight=None, disabled=False,
                  is_public=True, extra_specs={'hw:cpu_policy': 'shared'},
                  projects=[], description=None, created_at=NOW,
                  updated_at=None)
    values.update(kw)
    return objects.Flavor(**values)


def make_instance(**kw):
    values = dict(
        id=1, uuid='6a6c0cd7-4b4d-4c35-a5b3-1b1bd1b2a8c9', user_id='u1',
        project_id='p1', image_ref='70a599e0-31e7-49b7-b260-868f441e862b',
        display_name='vm', display_description='a server',
        vm_state='active', task_state=None, power_state=1, host='cmp1',
        node='cmp1.example', availability_zone='nova', key_name='key',
        reservation_id='r-1', launch_index=0, launched_at=NOW,
        terminated_at=None, created_at=NOW, updated_at=NOW, locked=False,
        locked_by=None, access_ip_v4=None, access_ip_v6=None,
        config_drive='', progress=0, hostname='vm', flavor=make_flavor(),
        metadata={'k': 'v'}, system_metadata={'image_os_distro': 'cirros'},
        fault=None, kernel_id=None, ramdisk_id=None, root_device_name=None,
        user_data=None, auto_disk_config=False)
    values.update(kw)
    return objects.Instance(**values)
