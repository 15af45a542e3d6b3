"""[libvirt] options, and ``[DEFAULT] instances_path`` of the virt layer."""
from oslo_config import cfg

from nova.conf._group import fresh as _fresh

instances_opts = [
    cfg.StrOpt('instances_path', default='$state_path/instances',
               help="""
Directory of the guests' files on a compute host: one sub-directory per
instance (disks, console log), the image cache (``[image_cache]
subdirectory_name``) and snapshot work files. Removed per instance on
delete.
"""),
]

libvirt_group = cfg.OptGroup('libvirt', title='The libvirt virt driver',
                             help="""
Options of ``compute_driver = libvirt``: QEMU guests through libvirt.
See doc/operator/libvirt.rst.
""")

libvirt_opts = [
    cfg.StrOpt('virt_type', default='qemu', choices=['qemu', 'kvm'],
               help="""
Domain type of the guests.

Possible values:

* ``qemu``: QEMU's TCG emulator; works everywhere, slower. The default,
  since the project's machines cannot run KVM guests.
* ``kvm``: hardware virtualization (needs a usable /dev/kvm).
"""),
    cfg.StrOpt('connection_uri', default='',
               help="""
libvirt URI to connect to; empty means ``qemu:///system``. Tests use
``test:///default``.
"""),
    cfg.StrOpt('cpu_mode', default='',
               choices=['', 'none', 'custom', 'host-model',
                        'host-passthrough'],
               help="""
CPU mode of the guests.

Possible values:

* empty: ``host-model`` with kvm, ``none`` (QEMU's default CPU) with qemu.
* ``none``: no <cpu> element.
* ``custom``: the model in ``cpu_model``.
* ``host-model``, ``host-passthrough``: only with ``virt_type = kvm``.

Related options:

* ``cpu_model``
"""),
    cfg.StrOpt('cpu_model', default='',
               help="CPU model when ``cpu_mode = custom`` (e.g. qemu64)."),
    cfg.StrOpt('images_type', default='qcow2', choices=['qcow2'],
               help="""
Format of the instances' disks: a qcow2 overlay per disk whose backing
file is the cached image.
"""),
    cfg.IntOpt('tb_cache_mib', default=16, min=0,
               help="""
Size in MiB of QEMU's TCG translation block cache per guest (qemu
virt_type only). Measured with a 128 MiB test guest on QEMU 7.2: 255 MiB
resident with QEMU's default, 216 MiB with 16. 0 leaves QEMU's default.
"""),
    cfg.StrOpt('machine_type', default='pc',
               help="QEMU machine type of x86_64 guests (pc or q35)."),
    cfg.StrOpt('kernel_cmdline', default='console=ttyS0',
               help="""
Kernel command line of guests booted directly from a kernel image
(kernel_id), unless the image has an ``os_command_line`` property.
"""),
    cfg.IntOpt('soft_reboot_wait', default=30, min=1,
               help="""
Seconds a soft reboot waits for the guest to restart itself before the
driver reboots it hard.
"""),
    cfg.IntOpt('console_log_max_bytes', default=1048576, min=4096,
               help="""
Bytes of a guest's serial console log kept and returned by console
output; older output is dropped when the log is reopened (at each start).
"""),
    cfg.StrOpt('network', default='',
               help="""
Name of a libvirt network each guest gets one virtio NIC on (e.g.
``default``); empty means no NIC.
"""),
    cfg.BoolOpt('destroy_orphans', default=False,
                help="""
Whether the compute service destroys, at start, libvirt guests of this
driver (named ``instance-<uuid>``) that no instance of this host owns.
They are always reported in the log.
"""),
    cfg.StrOpt('host_memory_source', default='libvirt',
               choices=['libvirt', 'meminfo'],
               help="""
Where the host's memory figure reported to placement comes from.

Possible values:

* ``libvirt``: libvirt's node memory (virNodeGetInfo); what QEMU guests
  may really use on a NUMA host, and the safe choice.
* ``meminfo``: MemTotal of /proc/meminfo. On some hosts (PVM, containers)
  libvirt sees only one NUMA node's memory and reports less.
"""),
]


def register_opts(conf):
    conf.register_opts(instances_opts)
    conf.register_group(_fresh(libvirt_group))
    conf.register_opts(libvirt_opts, group=libvirt_group.name)


def list_opts():
    return {'DEFAULT': instances_opts, libvirt_group.name: libvirt_opts}
