"""[DEFAULT] options shared by every service."""
import socket

from oslo_config import cfg
from oslo_messaging import opts as om_opts

service_opts = [
    cfg.StrOpt('host', default=socket.gethostname(),
               sample_default='<current_hostname>',
               help="""
Name of this node, used as the compute host name and the RPC server name.

Possible values:

* Any string unique among the compute services of a cell.
"""),
    cfg.IntOpt('report_interval', default=10, min=1,
               help="""
Seconds between two heartbeats a service writes to its ``services`` row.

Related options:

* ``service_down_time``: must be larger than this.
"""),
    cfg.IntOpt('service_down_time', default=60, min=1,
               help="""
Seconds without a heartbeat after which a service is shown as down.

Related options:

* ``report_interval``
"""),
    cfg.IntOpt('periodic_interval', default=60, min=1,
               help="Seconds between two runs of a service's periodic tasks."),
    cfg.IntOpt('long_rpc_timeout', default=1800, min=1,
               help="""
Timeout in seconds of RPC calls known to be slow (scheduling a large
multi-create). Ordinary calls use ``rpc_response_timeout``.
"""),
    cfg.StrOpt('state_path', default='$pybasedir/var',
               help="Top-level directory for this service's state."),
    cfg.StrOpt('pybasedir', default='.',
               sample_default='<Path>',
               help="Directory relative paths in other options resolve to."),
]


def register_opts(conf):
    conf.register_opts(service_opts)
    # transport_url, rpc_response_timeout and friends belong to
    # oslo.messaging; registering them here lets us read and override them
    # before the first transport is built.
    for group, opts in om_opts.list_opts():
        conf.register_opts(opts, group=None if group in (None, 'DEFAULT')
                           else group)
    # Two cores serve a whole deployment here: a few dozen threads per
    # service is plenty, and sizes the database pool (see [database]).
    om_opts.set_defaults(conf, executor_thread_pool_size=24)
    # oslo.messaging registers its tracing and metrics options on the
    # global CONF only, yet reads them from the ConfigOpts it is given.
    import importlib
    for module, group in (('_tracing.client', 'oslo_messaging_tracing'),
                          ('_metrics.client', 'oslo_messaging_metrics')):
        try:
            opts = getattr(importlib.import_module('oslo_messaging.' + module),
                           group)
        except (ImportError, AttributeError):
            continue
        conf.register_opts(opts, group=group)


def list_opts():
    return {'DEFAULT': service_opts}
