"""[api] and [wsgi] options of nova-api."""
from oslo_config import cfg

from nova.conf._group import fresh as _fresh

api_group = cfg.OptGroup('api', title='Compute API options')

api_opts = [
    cfg.StrOpt('auth_strategy', default='noauth2',
               choices=[('noauth2', 'Token "user:project"; user "admin" is '
                         'an admin. For tests and the embedded default.'),
                        ('keystone', 'keystonemiddleware auth_token.')],
               help="""
How the API authenticates requests.

Related options:

* ``[keystone_authtoken]`` when ``keystone``.
"""),
    cfg.IntOpt('max_limit', default=1000, min=0,
               help="Most items one list call returns (the page size cap)."),
    cfg.StrOpt('compute_link_prefix',
               help="Base URL put in links instead of the request's host."),
    cfg.BoolOpt('instance_list_per_project_cells', default=False,
                help="List only the cells where the project has instances."),
    cfg.IntOpt('flavor_cache_seconds', default=10, min=0,
               help="""
How long a server create may reuse a flavor this process read before.

Changes made through this process are seen at once; a change made through
another nova-api process (a flavor deleted, an extra spec or an access
changed) reaches this one's creates after this many seconds at most.
0 reads the flavor on every create.

Related options:

* ``[image] metadata_cache_seconds``, the same for images.
"""),
]

wsgi_group = cfg.OptGroup('wsgi', title='WSGI server options')

wsgi_opts = [
    cfg.HostAddressOpt('listen', default='127.0.0.1',
                       help="Address nova-api listens on."),
    cfg.PortOpt('port', default=8774, help="Port nova-api listens on."),
    cfg.IntOpt('threads', default=16, min=1,
               help="Worker threads serving API requests."),
    cfg.StrOpt('api_paste_config', default='api-paste.ini',
               help="Kept for compatibility; the pipeline is built in code."),
]


def register_opts(conf):
    conf.register_group(_fresh(api_group))
    conf.register_opts(api_opts, group=api_group.name)
    conf.register_group(_fresh(wsgi_group))
    conf.register_opts(wsgi_opts, group=wsgi_group.name)


def list_opts():
    return {api_group.name: api_opts, wsgi_group.name: wsgi_opts}
