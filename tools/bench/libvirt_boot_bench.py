#!/usr/bin/env python3
"""Boot time of a real guest: through the compute API vs libvirt alone.

With the test image (tools/build_test_image.py) uploaded and already in
the host image cache, measures N times:

* api: POST /servers -> the marker ``NOVA-TEST-IMAGE BOOTED`` returned by
  os-getConsoleOutput (polled every --poll seconds), on an in-process
  stack (API, conductor, scheduler, one libvirt compute on qemu:///system,
  the in-process WSGI app: no HTTP);
* libvirt: the very domain XML the driver wrote for that server (renamed,
  new uuid, its own overlay on the same cached image and its own log) given
  to virDomainCreateXML, -> the marker in the log file (polled every 10 ms).

Prints figures only. Needs root, libvirtd (tools/libvirt/setup.sh) and
libvirt-python. Usage: libvirt_boot_bench.py [--runs 3] [--poll 0.1]
"""
import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
import xml.etree.ElementTree as ET

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

URI = 'qemu:///system'


def build_image(cache_dir):
    out = subprocess.run(
        [sys.executable, str(ROOT / 'tools' / 'build_test_image.py'),
         '--cache-dir', cache_dir], check=True, capture_output=True,
        text=True).stdout.strip()
    return json.loads(pathlib.Path(out).read_text())


def start_stack(state, manifest):
    from tests.functional import conftest as fconf
    stack = fconf.Stack(
        state, computes=('bench-host',), compute_driver='libvirt',
        periodic_interval=60,
        **{'libvirt.connection_uri': URI,
           'libvirt.kernel_cmdline': manifest['cmdline'],
           'instances_path': os.path.join(state, 'instances')})
    return stack, fconf.ApiClient(stack.app)


def upload_image(api, manifest):
    from tests.functional import image_helpers

    def up(path, name, fmt, cfmt, **props):
        return image_helpers.create_image(
            api, name=name, data=pathlib.Path(path).read_bytes(),
            disk_format=fmt, container_format=cfmt, **props)['id']
    kernel = up(manifest['kernel'], 'bench-kernel', 'aki', 'aki')
    ramdisk = up(manifest['ramdisk'], 'bench-ramdisk', 'ari', 'ari')
    return up(manifest['root_disk'], 'bench-root', 'qcow2', 'bare',
              kernel_id=kernel, ramdisk_id=ramdisk)


def console(api, server_id):
    resp = api.post('/servers/%s/action' % server_id,
                    {'os-getConsoleOutput': {}})
    return resp.json['output'] if resp.status_int == 200 else ''


def api_boot(api, flavor, image, marker, poll, timeout=120):
    """(seconds to the marker, seconds to ACTIVE, server id, seconds
    before the guest's kernel started)."""
    started = time.monotonic()
    server = api.create_server(flavor, name='bench', image=image)
    active_at = None
    while time.monotonic() - started < timeout:
        if active_at is None:
            status = api.get('/servers/%s' % server['id']).json['server'][
                'status']
            if status == 'ACTIVE':
                active_at = time.monotonic() - started
            elif status == 'ERROR':
                raise RuntimeError('server went to ERROR')
        output = console(api, server['id'])
        if marker in output:
            seconds = time.monotonic() - started
            return (seconds, active_at, server['id'],
                    seconds - guest_uptime(output, marker))
        time.sleep(poll)
    raise RuntimeError('no marker after %ss' % timeout)


def keep_boot_files(domain_xml, workdir):
    """Link the kernel and initrd the XML names (in the instance's
    directory, removed with it) into workdir; the XML pointing there."""
    root = ET.fromstring(domain_xml)
    for tag in ('kernel', 'initrd'):
        element = root.find('./os/' + tag)
        if element is not None:
            kept = os.path.join(workdir, 'bench-' + tag)
            os.link(element.text, kept)
            element.text = kept
    return ET.tostring(root, encoding='unicode')


def libvirt_boot(domain_xml, base, workdir, marker, timeout=120):
    """The driver's XML, on a fresh overlay and log, straight to libvirt.
    """
    import libvirt
    run = uuid.uuid4().hex[:8]
    disk = os.path.join(workdir, 'disk-' + run)
    log = os.path.join(workdir, 'console-' + run)
    subprocess.run(['qemu-img', 'create', '-q', '-f', 'qcow2', '-F', 'qcow2',
                    '-b', base, disk, '1G'], check=True)
    root = ET.fromstring(domain_xml)
    root.find('name').text = 'bench-' + run
    root.find('uuid').text = str(uuid.uuid4())
    root.find('./devices/disk/source').set('file', disk)
    for source in root.findall('./devices/serial/source') + \
            root.findall('./devices/console/source'):
        source.set('path', log)
    xml = ET.tostring(root, encoding='unicode')
    conn = libvirt.open(URI)
    try:
        started = time.monotonic()
        domain = conn.createXML(xml, 0)
        try:
            while time.monotonic() - started < timeout:
                try:
                    with open(log, 'rb') as source:
                        output = source.read().decode(errors='replace')
                    if marker in output:
                        seconds = time.monotonic() - started
                        return seconds, seconds - guest_uptime(output, marker)
                except FileNotFoundError:
                    pass
                time.sleep(0.01)
            raise RuntimeError('no marker after %ss' % timeout)
        finally:
            domain.destroy()
    finally:
        conn.close()


def guest_uptime(output, marker):
    """The guest's own uptime when it printed the marker (the image's
    /init prints it on the marker line): the kernel's part of the boot."""
    line = output[output.index(marker):].splitlines()[0]
    try:
        return float(line.rsplit('uptime', 1)[1].split()[0])
    except (IndexError, ValueError):
        return 0.0


def summary(name, values):
    return '%-9s median %.2f s  min %.2f s  max %.2f s  (%s)' % (
        name, statistics.median(values), min(values), max(values),
        ', '.join('%.2f' % v for v in values))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--runs', type=int, default=3)
    parser.add_argument('--poll', type=float, default=0.1,
                        help='seconds between two console polls (API)')
    args = parser.parse_args()
    from nova import embedded
    ok, detail = embedded.libvirt_reachable(URI)
    if not ok:
        sys.exit('libvirt is not usable: %s (run tools/libvirt/setup.sh)'
                 % detail)
    import libvirt
    libvirt.registerErrorHandler(lambda ctx, err: None, None)
    with tempfile.TemporaryDirectory(prefix='libvirt-bench-') as state:
        manifest = build_image(os.path.join(state, 'image'))
        stack, api = start_stack(state, manifest)
        try:
            flavor = api.create_flavor('bench', ram=128, vcpus=1,
                                       disk=1)['id']
            image = upload_image(api, manifest)
            marker = manifest['marker']
            # Warm-up: fills the image cache (not measured).
            warm = api_boot(api, flavor, image, marker, args.poll)[2]
            driver = [s for s in stack.services.services
                      if s.binary == 'nova-compute'][0].manager.driver
            domain_xml = driver.host.lookup(warm).XMLDesc(
                libvirt.VIR_DOMAIN_XML_INACTIVE)
            base = os.path.join(stack.conf.instances_path, '_base', image)
            domain_xml = keep_boot_files(domain_xml, state)
            api.delete('/servers/%s' % warm)
            api.wait_for_gone(warm, timeout=60)
            api_marker, api_active, api_pre, direct, direct_pre = \
                [], [], [], [], []
            for _ in range(args.runs):
                seconds, active, sid, pre = api_boot(api, flavor, image,
                                                     marker, args.poll)
                api_marker.append(seconds)
                api_active.append(active or seconds)
                api_pre.append(pre)
                api.delete('/servers/%s' % sid)
                api.wait_for_gone(sid, timeout=60)
                seconds, pre = libvirt_boot(domain_xml, base, state, marker)
                direct.append(seconds)
                direct_pre.append(pre)
        finally:
            stack.stop()
    print('guest: 128 MiB, 1 vCPU, TCG, kernel %s, image cached'
          % manifest['kernel_version'])
    print(summary('api', api_marker) + '  POST /servers -> marker')
    print(summary('active', api_active) + '  POST /servers -> ACTIVE')
    print(summary('libvirt', direct) + '  createXML -> marker')
    print(summary('api-pre', api_pre) + '  POST -> guest kernel starts')
    print(summary('lv-pre', direct_pre) + '  createXML -> guest kernel '
          'starts')
    print('overhead  median %.2f s (api - libvirt)' % (
        statistics.median(api_marker) - statistics.median(direct)))


if __name__ == '__main__':
    main()
