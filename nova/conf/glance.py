"""[glance] options: the Image API v2 client (keystoneauth1).

Used when ``[image] backend = glance`` and by separate nova-compute
processes of a ``store`` deployment, which reach nova-api's ``/image``.
"""
import copy

from keystoneauth1 import loading as ks_loading
from oslo_config import cfg

from nova.conf._group import fresh as _fresh

glance_group = cfg.OptGroup('glance', title='Image API v2 client options',
                            help="""
How nova reaches an Image API v2 service (Glance, or nova-api's own
``/image``). The endpoint comes from ``endpoint_override`` or from the
service catalog (``service_type`` image). Calls made for a user carry the
user's token; calls made by the service itself (periodic tasks) authenticate
with ``auth_type`` and its options, e.g. ``auth_type = admin_token`` with
``token = admin:admin`` against a noauth2 nova-api, or ``auth_type = none``
for a Glance without authentication.
""")

glance_opts = [
    cfg.IntOpt('num_retries', default=2, min=0,
               help="How many times a failed connection is retried."),
    cfg.IntOpt('chunk_size', default=1048576, min=4096,
               help="Bytes per chunk streamed to and from the service."),
]


def register_opts(conf):
    conf.register_group(_fresh(glance_group))
    conf.register_opts(glance_opts, group=glance_group.name)
    ks_loading.register_session_conf_options(conf, glance_group.name)
    ks_loading.register_auth_conf_options(conf, glance_group.name)
    ks_loading.register_adapter_conf_options(conf, glance_group.name,
                                             include_deprecated=False)
    conf.set_default('service_type', 'image', group=glance_group.name)
    conf.set_default('valid_interfaces', ['internal', 'public'],
                     group=glance_group.name)


def _adapter_opts():
    opts = copy.deepcopy(ks_loading.get_adapter_conf_options(
        include_deprecated=False))
    for opt in opts:
        if opt.dest == 'service_type':
            opt.default = 'image'
        elif opt.dest == 'valid_interfaces':
            opt.default = ['internal', 'public']
    return opts


def list_opts():
    return {glance_group.name: (
        glance_opts + ks_loading.get_session_conf_options() +
        ks_loading.get_auth_common_conf_options() +
        ks_loading.get_auth_plugin_conf_options('admin_token') +
        _adapter_opts())}
