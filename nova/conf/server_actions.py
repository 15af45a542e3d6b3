"""Options of server actions (stop, reboot, resize, console output...).

[DEFAULT] options, plus fault-injection knobs of the fake driver added to
its ``[fake_driver]`` group (registered by :mod:`nova.conf.compute`).
"""
from oslo_config import cfg

action_opts = [
    cfg.BoolOpt('allow_resize_to_same_host', default=False,
                help="""
Allow the scheduler to choose the instance's current host as the
destination of a resize.

Useful for single-host clouds and tests; when False the current host is
excluded and a resize needs a second compute host with room.
"""),
    cfg.IntOpt('shutdown_timeout', default=60, min=0,
               help="""
Seconds a guest is given to shut down cleanly (os-stop, resize) before it
is powered off hard.

Possible values:

* 0: power off hard at once.
* A positive integer: seconds to wait for the guest.

Related options:

* ``shutdown_retry_interval``
"""),
    cfg.IntOpt('shutdown_retry_interval', default=10, min=1,
               help="""
Seconds between two clean-shutdown requests sent to a guest while
``shutdown_timeout`` runs.
"""),
    cfg.IntOpt('console_output_timeout', default=30, min=1,
               help="""
Seconds nova-api waits for a compute host to return console output before
answering 503.
"""),
]

fake_action_opts = [
    cfg.ListOpt('fail_actions', default=[],
                help="""
Actions the fake driver fails, as ``<server name>:<action>`` items (for
tests of the error paths).

Possible values:

* ``action`` one of power_off, power_on, reboot, pause, unpause, suspend,
  resume, rescue, unrescue, migrate_disk_and_power_off, finish_migration,
  confirm_migration, finish_revert_migration, get_console_output.
"""),
    cfg.FloatOpt('action_seconds', default=0.0, min=0,
                 help="Seconds each fake driver action takes."),
]


def register_opts(conf):
    conf.register_opts(action_opts)
    conf.register_opts(fake_action_opts, group='fake_driver')


def list_opts():
    return {'DEFAULT': action_opts, 'fake_driver': fake_action_opts}
