"""Image upload/download throughput and the serving process's memory.

Uploads one image of --size-mib MiB through ``PUT /v2/images/{id}/file``,
downloads it through ``GET .../file``, and prints MB/s for each, a disk
baseline (the same bytes written with fsync and read back in the same
directory), and the resident memory of the serving process: before, the
peak while each transfer ran, and the growth. Prints figures only.

Without --endpoint it starts a private nova-image-api (built-in store,
SQLite, a temporary state directory) on a free port and stops it after.
"""
import argparse
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

MiB = 1024 * 1024


def cpu_seconds(pid):
    """User + system CPU time of a process so far."""
    if not pid:
        return 0.0
    with open('/proc/%d/stat' % pid) as f:
        fields = f.read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


def rss_mib(pid):
    with open('/proc/%d/status' % pid) as f:
        for line in f:
            if line.startswith('VmRSS:'):
                return int(line.split()[1]) / 1024.0
    return 0.0


class PeakRss:
    """Samples a process's RSS every 50 ms while it runs."""

    def __init__(self, pid):
        self.pid = pid
        self.peak = rss_mib(pid) if pid else 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.wait(0.05):
            self.peak = max(self.peak, rss_mib(self.pid))

    def __enter__(self):
        if self.pid:
            self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        if self.pid:
            self._thread.join()
            self.peak = max(self.peak, rss_mib(self.pid))


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def start_private_server(workdir):
    from nova.db import migration
    port = free_port()
    db = 'sqlite:///%s/nova_api.sqlite' % workdir
    conf = os.path.join(workdir, 'nova.conf')
    with open(conf, 'w') as f:
        f.write('[DEFAULT]\nstate_path = %s\n[api_database]\nconnection = '
                '%s\n[image]\napi_port = %d\nknown_images =\n' % (
                    workdir, db, port))
    migration.db_sync(db, 'api')
    binary = os.path.join(os.path.dirname(sys.executable), 'nova-image-api')
    proc = subprocess.Popen([binary, '--config-file', conf, '--log-file',
                             os.path.join(workdir, 'image-api.log')],
                            stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(('127.0.0.1', port), 1).close()
            return proc, 'http://127.0.0.1:%d' % port
        except OSError:
            time.sleep(0.2)
    proc.kill()
    sys.exit('nova-image-api did not start; see %s' % workdir)


class Client:
    def __init__(self, endpoint, token):
        url = urllib.parse.urlsplit(endpoint)
        self.host, self.port = url.hostname, url.port or 80
        self.prefix = url.path.rstrip('/')
        self.token = token

    def connect(self):
        return http.client.HTTPConnection(self.host, self.port, timeout=600)

    def json(self, method, path, body=None):
        conn = self.connect()
        conn.request(method, self.prefix + path,
                     body=json.dumps(body) if body is not None else None,
                     headers={'X-Auth-Token': self.token,
                              'Content-Type': 'application/json'})
        resp = conn.getresponse()
        data = resp.read()
        conn.close()
        if resp.status >= 400:
            sys.exit('%s %s: %d %s' % (method, path, resp.status, data))
        return json.loads(data) if data else None

    def upload(self, image_id, size, block):
        conn = self.connect()
        conn.putrequest('PUT', '%s/v2/images/%s/file' % (self.prefix,
                                                         image_id))
        for name, value in (('X-Auth-Token', self.token),
                            ('Content-Type', 'application/octet-stream'),
                            ('Content-Length', str(size))):
            conn.putheader(name, value)
        conn.endheaders()
        sent = 0
        while sent < size:
            piece = block[:min(len(block), size - sent)]
            conn.send(piece)
            sent += len(piece)
        resp = conn.getresponse()
        resp.read()
        conn.close()
        if resp.status != 204:
            sys.exit('upload failed: HTTP %d' % resp.status)

    def download(self, image_id, chunk):
        conn = self.connect()
        conn.request('GET', '%s/v2/images/%s/file' % (self.prefix, image_id),
                     headers={'X-Auth-Token': self.token})
        resp = conn.getresponse()
        received = 0
        while True:
            data = resp.read(chunk)
            if not data:
                break
            received += len(data)
        conn.close()
        return received


def disk_baseline(directory, size, block):
    path = os.path.join(directory, 'baseline.bin')
    start = time.monotonic()
    with open(path, 'wb') as f:
        written = 0
        while written < size:
            written += f.write(block[:min(len(block), size - written)])
        f.flush()
        os.fsync(f.fileno())
    write_s = time.monotonic() - start
    start = time.monotonic()
    with open(path, 'rb') as f:
        while f.read(len(block)):
            pass
    read_s = time.monotonic() - start
    os.unlink(path)
    return write_s, read_s


def rate(size, seconds):
    return size / MiB / seconds if seconds else float('inf')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--endpoint', help='Image API base URL (e.g. '
                        'http://127.0.0.1:8774/image); default: start a '
                        'private nova-image-api')
    parser.add_argument('--token', default='admin:admin')
    parser.add_argument('--pid', type=int, help='serving process to '
                        'measure (default: the private server)')
    parser.add_argument('--size-mib', type=int, default=1024)
    parser.add_argument('--chunk-kib', type=int, default=1024)
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix='image-bench-')
    proc = None
    try:
        endpoint, pid = args.endpoint, args.pid
        if endpoint is None:
            proc, endpoint = start_private_server(workdir)
            pid = proc.pid
        run(args, Client(endpoint, args.token), pid, workdir)
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)


def run(args, client, pid, workdir):
    size, chunk = args.size_mib * MiB, args.chunk_kib * 1024
    block = os.urandom(chunk)
    image = client.json('POST', '/v2/images', {
        'name': 'bench', 'disk_format': 'raw', 'container_format': 'bare'})
    before = rss_mib(pid) if pid else 0.0
    with PeakRss(pid) as up_rss:
        start, cpu = time.monotonic(), cpu_seconds(pid)
        client.upload(image['id'], size, block)
        up_s, up_cpu = time.monotonic() - start, cpu_seconds(pid) - cpu
    with PeakRss(pid) as down_rss:
        start, cpu = time.monotonic(), cpu_seconds(pid)
        received = client.download(image['id'], chunk)
        down_s, down_cpu = time.monotonic() - start, cpu_seconds(pid) - cpu
    client.json('DELETE', '/v2/images/%s' % image['id'])
    write_s, read_s = disk_baseline(workdir, size, block)
    print('image size          %8d MiB (chunks of %d KiB)' % (
        args.size_mib, args.chunk_kib))
    print('upload              %8.1f MB/s  (%.1f s)' % (
        rate(size, up_s), up_s))
    print('download            %8.1f MB/s  (%.1f s, %d bytes)' % (
        rate(received, down_s), down_s, received))
    print('disk write+fsync    %8.1f MB/s' % rate(size, write_s))
    print('disk read           %8.1f MB/s' % rate(size, read_s))
    if pid:
        print('server CPU upload   %8.1f s  (MD5 and os_hash included)'
              % up_cpu)
        print('server CPU download %8.1f s' % down_cpu)
        print('server RSS before   %8.1f MiB' % before)
        print('server RSS peak up  %8.1f MiB  (+%.1f)' % (
            up_rss.peak, up_rss.peak - before))
        print('server RSS peak dn  %8.1f MiB  (+%.1f)' % (
            down_rss.peak, down_rss.peak - before))


if __name__ == '__main__':
    main()
