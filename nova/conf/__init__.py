"""Configuration: every option is declared in one module per group here.

Nothing imports a global CONF: services, the WSGI app and the tests build a
ConfigOpts with :func:`build_conf` and pass it down explicitly.
"""
from oslo_config import cfg
from oslo_log import log as logging

from nova.conf import api
from nova.conf import availability_zone
from nova.conf import compute
from nova.conf import database
from nova.conf import default
from nova.conf import glance
from nova.conf import image
from nova.conf import image_cache
from nova.conf import libvirt
from nova.conf import placement
from nova.conf import scheduler
from nova.conf import server_actions

_MODULES = (default, api, compute, database, image, scheduler, glance,
            server_actions, image_cache, availability_zone,
            libvirt, placement)


def register_opts(conf):
    for module in _MODULES:
        module.register_opts(conf)


def build_conf(args=None, default_config_files=None, overrides=None,
               register_logging=True):
    """Return a fresh, parsed ConfigOpts.

    :param overrides: {'group.name' or 'name': value} set after parsing,
        handy for tests and for the embedded defaults of nova-all.
    """
    conf = cfg.ConfigOpts()
    if register_logging:
        logging.register_options(conf)
    register_opts(conf)
    conf(args=args or [], project='nova',
         default_config_files=default_config_files or [])
    for key, value in (overrides or {}).items():
        group, _, name = key.rpartition('.')
        conf.set_override(name, value, group=group or None)
    return conf
