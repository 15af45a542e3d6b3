"""[DEFAULT] compute options and the [fake_driver] group."""
from oslo_config import cfg

from nova.conf._group import fresh as _fresh

compute_opts = [
    cfg.StrOpt('compute_driver', default='fake',
               help="""
Virt driver the compute service loads (a ``nova.compute.drivers`` entry
point).

Possible values:

* ``fake``: no guests, resources from ``[fake_driver]``.
* ``libvirt``: libvirt/QEMU (when installed).
"""),
    cfg.IntOpt('max_concurrent_builds', default=10, min=1,
               help="Builds one compute service runs at the same time."),
    cfg.IntOpt('instance_build_timeout', default=0, min=0,
               help="Seconds after which a build still going is failed; "
                    "0 disables."),
    cfg.IntOpt('update_resources_interval', default=60, min=1,
               help="Seconds between two updates of the compute node "
                    "record by the resource tracker."),
]

fake_group = cfg.OptGroup('fake_driver', title='The fake virt driver')

fake_opts = [
    cfg.IntOpt('vcpus', default=64, min=1, help="vCPUs the fake host has."),
    cfg.IntOpt('memory_mb', default=131072, min=1,
               help="Memory (MiB) the fake host has."),
    cfg.IntOpt('local_gb', default=2048, min=1,
               help="Local disk (GiB) the fake host has."),
    cfg.FloatOpt('spawn_seconds', default=0.0, min=0,
                 help="Seconds a fake spawn takes (to model a slow host)."),
    cfg.ListOpt('fail_spawn_names', default=[],
                help="Server names whose spawn fails (for tests)."),
    cfg.ListOpt('fail_spawn_hosts', default=[],
                help="""
Compute hosts on which every spawn fails (for tests of rescheduling to an
alternate host).
"""),
]

_allocation_opts = [
    cfg.FloatOpt('cpu_allocation_ratio', default=None, min=0.0,
                 help="""
Virtual CPUs per physical CPU placement allows (the VCPU inventory's
allocation_ratio). Unset: ``initial_cpu_allocation_ratio``.
"""),
    cfg.FloatOpt('ram_allocation_ratio', default=None, min=0.0,
                 help="""
Virtual RAM per physical RAM placement allows (MEMORY_MB allocation_ratio).
Unset: ``initial_ram_allocation_ratio``.
"""),
    cfg.FloatOpt('disk_allocation_ratio', default=None, min=0.0,
                 help="""
Virtual disk per physical disk placement allows (DISK_GB allocation_ratio).
Unset: ``initial_disk_allocation_ratio``.
"""),
    cfg.FloatOpt('initial_cpu_allocation_ratio', default=16.0, min=0.0,
                 help="VCPU allocation ratio when cpu_allocation_ratio is "
                      "unset."),
    cfg.FloatOpt('initial_ram_allocation_ratio', default=1.5, min=0.0,
                 help="MEMORY_MB allocation ratio when ram_allocation_ratio "
                      "is unset."),
    cfg.FloatOpt('initial_disk_allocation_ratio', default=1.0, min=0.0,
                 help="DISK_GB allocation ratio when disk_allocation_ratio "
                      "is unset."),
    cfg.IntOpt('reserved_host_cpus', default=0, min=0,
               help="Physical CPUs kept for the host itself (VCPU "
                    "inventory's reserved)."),
    cfg.IntOpt('reserved_host_memory_mb', default=512, min=0,
               help="Memory kept for the host itself."),
    cfg.IntOpt('reserved_host_disk_mb', default=0, min=0,
               help="Disk kept for the host itself."),
]


def register_opts(conf):
    conf.register_opts(compute_opts + _allocation_opts)
    conf.register_group(_fresh(fake_group))
    conf.register_opts(fake_opts, group=fake_group.name)


def list_opts():
    return {'DEFAULT': compute_opts + _allocation_opts,
            fake_group.name: fake_opts}
