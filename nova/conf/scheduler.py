"""[scheduler] and [filter_scheduler] options."""
from oslo_config import cfg

from nova.conf._group import fresh as _fresh

scheduler_group = cfg.OptGroup('scheduler', title='Scheduler options')

scheduler_opts = [
    cfg.IntOpt('max_attempts', default=3, min=1,
               help="Hosts tried for one instance (1 + alternates)."),
    cfg.IntOpt('discover_hosts_in_cells_interval', default=-1, min=-1,
               help="""
Seconds between automatic discovery of new compute hosts; -1 disables.
The embedded default (nova-all) turns it on.
"""),
]

filter_group = cfg.OptGroup('filter_scheduler', title='Filter scheduler')

filter_opts = [
    cfg.IntOpt('host_subset_size', default=1, min=1,
               help="Pick randomly among this many best-weighed hosts."),
]


def register_opts(conf):
    conf.register_group(_fresh(scheduler_group))
    conf.register_opts(scheduler_opts, group=scheduler_group.name)
    conf.register_group(_fresh(filter_group))
    conf.register_opts(filter_opts, group=filter_group.name)


def list_opts():
    return {scheduler_group.name: scheduler_opts,
            filter_group.name: filter_opts}
