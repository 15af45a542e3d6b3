"""What this host offers, as libvirt and the instances path say.

Memory: libvirt's node figure (virNodeGetInfo) by default. On the PVM
hosts this project runs on, libvirt reports only its NUMA node's memory
(6 GiB) while /proc/meminfo says 24 GiB; QEMU guests can use all of it,
but the smaller figure is the one libvirt itself will vouch for, and with
the default ram_allocation_ratio of 1.5 it still admits dozens of 128 MiB
test guests. ``[libvirt] host_memory_source = meminfo`` reports MemTotal
instead. Disk: the size of the filesystem of ``instances_path``.
"""
import json
import os
import xml.etree.ElementTree as ET

import os_traits

from nova.virt import driver

# Image formats the qcow2 image backend boots (converted once in the cache
# when they are not qcow2 already).
IMAGE_TYPES = ('qcow2', 'raw', 'ami', 'aki', 'ari', 'vmdk', 'vdi', 'vhd',
               'vhdx')


def meminfo_total_mb(path='/proc/meminfo'):
    with open(path) as meminfo:
        for line in meminfo:
            if line.startswith('MemTotal:'):
                return int(line.split()[1]) // 1024
    raise ValueError('no MemTotal in %s' % path)


def disk_total_gb(path):
    os.makedirs(path, exist_ok=True)
    stats = os.statvfs(path)
    return stats.f_frsize * stats.f_blocks // 1024 ** 3


def host_resources(conf, host, nodename):
    model, memory_mb, cpus, mhz, nodes, sockets, cores, threads = \
        host.node_info()[:8]
    if conf.libvirt.host_memory_source == 'meminfo':
        memory_mb = meminfo_total_mb()
    hv_type, hv_version = host.hypervisor()
    cpu_info = json.dumps({'arch': model, 'mhz': mhz,
                           'topology': {'sockets': sockets, 'cores': cores,
                                        'threads': threads,
                                        'numa_nodes': nodes}})
    return driver.HostResources(
        nodename=nodename, vcpus=cpus, memory_mb=memory_mb,
        local_gb=disk_total_gb(conf.instances_path),
        hypervisor_type=hv_type, hypervisor_version=hv_version,
        cpu_info=cpu_info)


def capabilities_dict():
    """The resource tracker's ``driver.capabilities`` (image types)."""
    caps = {'supports_image_type_' + t: t in IMAGE_TYPES
            for t in IMAGE_TYPES + ('iso', 'ploop')}
    caps.update(supports_rescue=True, supports_resize_same_host=True)
    return caps


def traits(conf, host):
    """os-traits of the hypervisor: architecture, firmware, NIC model,
    image types, same-host resize."""
    result = {'COMPUTE_FIRMWARE_BIOS', 'COMPUTE_NET_VIF_MODEL_VIRTIO',
              'COMPUTE_SAME_HOST_COLD_MIGRATE', 'COMPUTE_NODE'}
    result |= {'COMPUTE_IMAGE_TYPE_' + t.upper() for t in IMAGE_TYPES}
    root = ET.fromstring(host.capabilities())
    arch = root.findtext('./host/cpu/arch')
    if arch:
        result.add('COMPUTE_ARCH_' + arch.upper())
    for feature in root.findall('./host/cpu/feature'):
        name = (feature.get('name') or '').upper()
        if name in ('AVX', 'AVX2', 'SSE42', 'SSE41', 'AES'):
            result.add('HW_CPU_X86_' + name)
    known = set(os_traits.get_traits())
    return sorted(t for t in result if t in known)
