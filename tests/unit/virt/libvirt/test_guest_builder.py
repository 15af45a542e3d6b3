"""An instance and its files -> the GuestConfig the driver defines."""
import pytest

from nova import conf as nova_conf
from nova import objects
from nova.virt.libvirt import guest_builder
from nova.virt.libvirt import storage

UUID = '0b1c2d3e-0000-4000-8000-00000000abcd'


@pytest.fixture
def conf(tmp_path):
    return nova_conf.build_conf(overrides={'instances_path': str(tmp_path)})


@pytest.fixture
def instance():
    objects.register_all()
    flavor = objects.Flavor(name='tiny', memory_mb=128, vcpus=1, root_gb=1,
                            ephemeral_gb=0, swap=0, flavorid='1')
    return objects.Instance(uuid=UUID, display_name='vm', flavor=flavor,
                            project_id='p', user_id='u')


@pytest.fixture
def files(conf):
    files = storage.InstanceFiles(conf.instances_path, UUID)
    files.ensure_dir()
    return files


def test_qemu_default_has_no_cpu_and_a_small_tb_cache(conf, instance, files):
    guest = guest_builder.build(conf, instance, files)
    assert guest.name == 'instance-' + UUID
    assert (guest.virt_type, guest.cpu, guest.tb_cache_mib) == ('qemu', None,
                                                                 16)
    assert [d.source_path for d in guest.disks] == [files.root]
    assert guest.os.kernel is None and guest.os.boot_dev == 'hd'
    assert guest.serial_log.log_path == files.console_log
    assert guest.interfaces == []


def test_kvm_defaults_to_host_model(conf, instance, files):
    conf.set_override('virt_type', 'kvm', group='libvirt')
    guest = guest_builder.build(conf, instance, files)
    assert guest.cpu.mode == 'host-model'
    conf.set_override('cpu_mode', 'custom', group='libvirt')
    conf.set_override('cpu_model', 'qemu64', group='libvirt')
    assert guest_builder.build(conf, instance, files).cpu.model == 'qemu64'


def test_boot_of_an_ami_image_is_kept_with_the_instance(conf, instance,
                                                        files, tmp_path):
    kernel, ramdisk = tmp_path / 'k', tmp_path / 'r'
    kernel.write_bytes(b'kernel')
    ramdisk.write_bytes(b'ramdisk')
    image = {'properties': {'os_command_line': 'console=ttyS0 quiet'}}
    guest_builder.save_boot(files, conf, image, str(kernel), str(ramdisk))
    kernel.unlink()  # the cache may drop it: the instance has its own link
    guest = guest_builder.build(conf, instance, files)
    assert guest.os.kernel == files.path('kernel')
    assert guest.os.initrd == files.path('ramdisk')
    assert guest.os.cmdline == 'console=ttyS0 quiet'
    with open(guest.os.kernel, 'rb') as linked:
        assert linked.read() == b'kernel'


def test_flavor_disks_and_rescue_order(conf, instance, files):
    for path in (files.ephemeral, files.swap):
        open(path, 'w').close()
    guest = guest_builder.build(conf, instance, files)
    assert [(d.target_dev, d.source_path) for d in guest.disks] == [
        ('vda', files.root), ('vdb', files.ephemeral), ('vdc', files.swap)]
    rescue = guest_builder.build(conf, instance, files, rescue_boot={
        'kernel': '/k', 'initrd': None, 'cmdline': 'x'})
    assert [d.source_path for d in rescue.disks[:2]] == [files.rescue_root,
                                                         files.root]
    assert rescue.os.kernel == '/k'


def test_network_nic_when_configured(conf, instance, files):
    conf.set_override('network', 'default', group='libvirt')
    guest = guest_builder.build(conf, instance, files)
    nic, = guest.interfaces
    assert nic.network == 'default'
    assert nic.mac_address == '52:54:00:00:ab:cd'


def test_domain_names_round_trip():
    assert guest_builder.uuid_of_domain_name(
        guest_builder.domain_name(UUID)) == UUID
    assert guest_builder.uuid_of_domain_name('someone-else') is None
