"""[placement_api] options: the standalone nova-placement-api server;
[placement]: how placement answers.

nova-api also serves placement under ``/placement`` on its own port; these
options only matter when placement runs as a process of its own.
"""
from oslo_config import cfg

from nova.conf._group import fresh as _fresh

placement_api_group = cfg.OptGroup(
    'placement_api', title='Standalone placement API server options')

placement_api_opts = [
    cfg.HostAddressOpt('listen', default='127.0.0.1',
                       help="""
Address nova-placement-api listens on.

Related options:

* ``port``
"""),
    cfg.PortOpt('port', default=8778, help="""
Port nova-placement-api listens on (8778 is placement's customary port).

Possible values:

* A free TCP port; 0 picks one (tests).
"""),
    cfg.IntOpt('threads', default=16, min=1,
               help="Worker threads serving placement requests."),
]


placement_group = cfg.OptGroup('placement', title='Placement options')

placement_opts = [
    cfg.BoolOpt('randomize_allocation_candidates', default=False, help="""
Pick allocation candidates at random when a request's ``limit`` cuts the
list, instead of the first ones by provider id.

With False, the same providers come first until they are full (packing);
with True, load spreads over every provider that fits.

Related options:

* ``[scheduler] max_placement_results``
"""),
]


def register_opts(conf):
    conf.register_group(_fresh(placement_api_group))
    conf.register_opts(placement_api_opts, group=placement_api_group.name)
    conf.register_group(_fresh(placement_group))
    conf.register_opts(placement_opts, group=placement_group.name)


def list_opts():
    return {placement_api_group.name: placement_api_opts,
            placement_group.name: placement_opts}
