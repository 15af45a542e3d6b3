"""[DEFAULT] options of availability zones.

A zone is the ``availability_zone`` metadata of host aggregates; hosts in
no such aggregate are in the default zone.
"""
from oslo_config import cfg

availability_zone_opts = [
    cfg.StrOpt('default_availability_zone', default='nova',
               help="""
Zone of the compute hosts that are in no aggregate with an
``availability_zone`` metadata key.

It is shown in ``GET /os-availability-zone`` like any other zone and may
be requested at server create.

Related options:

* ``default_schedule_zone``, ``internal_service_availability_zone``
"""),
    cfg.StrOpt('internal_service_availability_zone', default='internal',
               help="""
Zone the detailed ``os-availability-zone`` view shows for services other
than nova-compute (conductor, scheduler). It is never a zone a server can
be booted into, and no aggregate may take it as its zone.
"""),
    cfg.StrOpt('default_schedule_zone',
               help="""
Zone given to servers created without an ``availability_zone``.

Possible values:

* Unset (the default): such servers may land in any zone; they show the
  zone of the host they land on.
* A zone name: they are scheduled into that zone only and pinned to it.

Related options:

* ``default_availability_zone``
"""),
]


def register_opts(conf):
    conf.register_opts(availability_zone_opts)


def list_opts():
    return {'DEFAULT': availability_zone_opts}
