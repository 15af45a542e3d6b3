"""[database] (the cell database) and [api_database] options."""
from oslo_config import cfg

from nova.conf._group import fresh as _fresh
from oslo_db import options as oslo_db_options

api_db_group = cfg.OptGroup('api_database', title='API database options')

api_db_opts = [
    cfg.StrOpt('connection', secret=True,
               help="""
SQLAlchemy URL of the API database (cell mappings, flavors, request specs).

Possible values:

* ``sqlite:////var/lib/nova/nova_api.sqlite`` (the embedded default)
* ``mysql+pymysql://user:pass@host/nova_api``
* ``postgresql+psycopg://user@host/nova_api``
"""),
    cfg.StrOpt('connection_recycle_time', default='3600'),
    cfg.IntOpt('max_pool_size', default=30),
    cfg.IntOpt('max_overflow', default=30),
    cfg.IntOpt('pool_timeout', default=30),
]


def register_opts(conf):
    # A pool as large as the busiest service's thread count: connections
    # beyond the pool are closed on return, and reopening one costs far
    # more than keeping it.
    oslo_db_options.set_defaults(conf, max_pool_size=30, max_overflow=30)
    conf.register_group(_fresh(api_db_group))
    conf.register_opts(api_db_opts, group=api_db_group.name)


def list_opts():
    return {api_db_group.name: api_db_opts,
            'database': oslo_db_options.database_opts}
