#!/usr/bin/env python3
"""Boot benchmark against a running compute API.

Prints figures only (no asserts): how long N sequential server creates take
to all reach ACTIVE, POST latency, list latency, delete timing, then the same
with one multi-create request, and the resident memory of the service
processes. See tools/bench/README.rst.

Only the standard library plus psutil, and one kept-alive HTTP connection, so
the client's own overhead stays small next to the server's.
"""
import argparse
import http.client
import json
import re
import statistics
import sys
import threading
import time
import urllib.parse
import uuid

try:
    import psutil
except ImportError:  # memory figures are optional; /proc is the fallback
    psutil = None

DEFAULT_IMAGE = '70a599e0-31e7-49b7-b260-868f441e862b'


class ApiError(Exception):
    pass


class Api:
    """A tiny compute API client over one persistent HTTP connection."""

    def __init__(self, endpoint, token, microversion=None, timeout=120):
        url = urllib.parse.urlsplit(endpoint)
        if url.scheme not in ('http', 'https'):
            raise SystemExit('--endpoint must be an http(s) URL')
        self.scheme = url.scheme
        self.netloc = url.netloc
        path = url.path.rstrip('/')
        # Accept both http://host:port and http://host:port/v2.1.
        self.prefix = path if path.endswith('/v2.1') else path + '/v2.1'
        self.timeout = timeout
        self.headers = {'X-Auth-Token': token,
                        'Accept': 'application/json',
                        'Content-Type': 'application/json'}
        if microversion:
            self.headers['OpenStack-API-Version'] = (
                'compute %s' % microversion)
        self.conn = None

    def _connect(self):
        cls = (http.client.HTTPSConnection if self.scheme == 'https'
               else http.client.HTTPConnection)
        self.conn = cls(self.netloc, timeout=self.timeout)

    def request(self, method, path, body=None, ok=(200, 201, 202, 204)):
        """Return (status, decoded body or None, seconds taken)."""
        data = json.dumps(body).encode() if body is not None else None
        url = self.prefix + path
        for attempt in (1, 2):
            if self.conn is None:
                self._connect()
            start = time.perf_counter()
            try:
                self.conn.request(method, url, body=data,
                                  headers=self.headers)
                resp = self.conn.getresponse()
                raw = resp.read()
            except (http.client.RemoteDisconnected, ConnectionResetError,
                    BrokenPipeError, http.client.CannotSendRequest):
                # The server closed an idle keep-alive connection: reconnect
                # once and retry.
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
                continue
            took = time.perf_counter() - start
            if resp.getheader('Connection', '').lower() == 'close':
                self.conn.close()
                self.conn = None
            break
        decoded = json.loads(raw) if raw else None
        if ok is not None and resp.status not in ok:
            raise ApiError('%s %s -> %s: %s' % (method, url, resp.status,
                                                raw[:500].decode(
                                                    errors='replace')))
        return resp.status, decoded, took

    def list_servers(self, **filters):
        """All servers of a detailed list, following pagination links."""
        servers = []
        query = dict(filters)
        while True:
            qs = urllib.parse.urlencode(query)
            _, body, _ = self.request('GET', '/servers/detail?' + qs)
            page = body.get('servers', [])
            servers.extend(page)
            nxt = [link for link in body.get('servers_links', [])
                   if link.get('rel') == 'next']
            if not nxt or not page:
                return servers
            query['marker'] = page[-1]['id']


class MemorySampler(threading.Thread):
    """Samples the RSS of named processes; keeps the first, last and peak."""

    def __init__(self, procs, interval=0.5):
        super().__init__(daemon=True)
        self.procs = procs  # {label: pid}
        self.interval = interval
        self.first, self.last, self.peak = {}, {}, {}
        self._halt = threading.Event()

    @staticmethod
    def rss(pid):
        if psutil is not None:
            try:
                return psutil.Process(pid).memory_info().rss
            except psutil.Error:
                return None
        try:
            with open('/proc/%d/status' % pid) as f:
                for line in f:
                    if line.startswith('VmRSS:'):
                        return int(line.split()[1]) * 1024
        except OSError:
            return None
        return None

    def sample(self):
        for label, pid in self.procs.items():
            value = self.rss(pid)
            if value is None:
                continue
            self.first.setdefault(label, value)
            self.last[label] = value
            self.peak[label] = max(self.peak.get(label, 0), value)

    def run(self):
        while not self._halt.wait(self.interval):
            self.sample()

    def stop(self):
        self._halt.set()
        self.join(timeout=5)
        self.sample()


_WRAPPERS = {'bash', 'sh', 'dash', 'zsh', 'timeout', 'env', 'sudo', 'tail',
             'grep', 'setsid', 'nohup'}


def find_processes(pattern):
    """{label: pid} of processes whose command line matches ``pattern``."""
    if psutil is None:
        raise SystemExit('--proc-match needs psutil')
    regex = re.compile(pattern)
    found = {}
    me = psutil.Process().pid
    for proc in psutil.process_iter(['pid', 'name', 'cmdline']):
        cmdline = proc.info.get('cmdline') or []
        line = ' '.join(cmdline)
        if proc.info['pid'] == me or not regex.search(line):
            continue
        if proc.info.get('name') in _WRAPPERS:
            continue  # the shell or timeout that launched a service
        # Label by the console script name (nova-compute, ...) and pid, as
        # several processes share a name.
        name = next((a.rsplit('/', 1)[-1] for a in cmdline
                     if a.rsplit('/', 1)[-1].startswith('nova-')),
                    cmdline[0].rsplit('/', 1)[-1] if cmdline else '?')
        found['%s[%d]' % (name, proc.info['pid'])] = proc.info['pid']
    return found


def parse_pids(text):
    procs = {}
    for item in filter(None, text.split(',')):
        label, _, pid = item.partition('=')
        if not pid.isdigit():
            raise SystemExit('--pids wants name=pid,name=pid')
        procs[label] = int(pid)
    return procs


def pct(values, q):
    """Nearest-rank percentile; plenty for a benchmark printout."""
    if not values:
        return float('nan')
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1,
                      int(round(q / 100.0 * len(ordered) + 0.5)) - 1))
    return ordered[rank]


def ensure_flavor(api, name):
    status, body, _ = api.request('GET', '/flavors/%s' % urllib.parse.quote(
        name), ok=None)
    if status == 200:
        return body['flavor']['id']
    _, body, _ = api.request('GET', '/flavors?is_public=None')
    for flavor in body.get('flavors', []):
        if flavor['name'] == name:
            return flavor['id']
    _, body, _ = api.request('POST', '/flavors', {'flavor': {
        'name': name, 'ram': 64, 'vcpus': 1, 'disk': 1}})
    print('created flavor %s (%s)' % (name, body['flavor']['id']))
    return body['flavor']['id']


def server_body(name, image, flavor, count=None):
    server = {'name': name, 'imageRef': image, 'flavorRef': flavor}
    if count:
        server.update(min_count=count, max_count=count,
                      return_reservation_id=True)
    return {'server': server}


def name_filter(api, prefix, known_id):
    """A list filter selecting our servers, if the API honours name regexes.

    Polling a filtered list keeps each poll cheap on a crowded cloud; when
    the filter does not find a server we know exists, poll unfiltered.
    """
    filters = {'name': '^' + prefix}
    try:
        if any(s['id'] == known_id for s in api.list_servers(**filters)):
            return filters
        print('note: name filter not honoured, polling the full list')
    except ApiError as exc:
        print('note: name filter failed (%s), polling the full list'
              % str(exc)[:200])
    return {}


def wait_active(api, ids, filters, timeout, poll):
    """Poll a filtered detailed list until every id is ACTIVE."""
    deadline = time.monotonic() + timeout
    while True:
        states = {s['id']: s['status'] for s in api.list_servers(**filters)
                  if s['id'] in ids}
        errors = [i for i, st in states.items() if st == 'ERROR']
        if errors:
            raise ApiError('%d server(s) went to ERROR, e.g. %s'
                           % (len(errors), errors[0]))
        if len(states) == len(ids) and all(
                st == 'ACTIVE' for st in states.values()):
            return states
        if time.monotonic() > deadline:
            counts = {}
            for st in states.values():
                counts[st] = counts.get(st, 0) + 1
            raise ApiError('timed out waiting for ACTIVE: %s' % counts)
        time.sleep(poll)


def wait_gone(api, ids, filters, timeout, poll):
    deadline = time.monotonic() + timeout
    while True:
        left = [s['id'] for s in api.list_servers(**filters)
                if s['id'] in ids]
        if not left:
            return
        if time.monotonic() > deadline:
            raise ApiError('timed out: %d server(s) not deleted' % len(left))
        time.sleep(poll)


def delete_all(api, ids, filters, args):
    times = []
    start = time.perf_counter()
    for sid in ids:
        _, _, took = api.request('DELETE', '/servers/%s' % sid,
                                 ok=(204, 404))
        times.append(took)
        if args.pace:
            time.sleep(args.pace)
    wait_gone(api, set(ids), filters, args.timeout, args.poll)
    return times, time.perf_counter() - start


def list_latency(api, calls):
    times = []
    for _ in range(calls):
        _, body, took = api.request('GET', '/servers/detail')
        times.append(took)
    return times, len(body.get('servers', []))


def run_sequential(api, args, flavor, rows, cpu):
    prefix = 'bench-seq-%s-' % uuid.uuid4().hex[:8]
    post_times, ids = [], []
    cpu.mark('seq-start')
    start = time.perf_counter()
    for i in range(args.n):
        _, body, took = api.request(
            'POST', '/servers', server_body(prefix + str(i), args.image,
                                            flavor))
        post_times.append(took)
        ids.append(body['server']['id'])
        if args.pace:
            time.sleep(args.pace)
    posted = time.perf_counter() - start
    filters = name_filter(api, prefix, ids[0])
    wait_active(api, set(ids), filters, args.timeout, args.poll)
    active = time.perf_counter() - start
    cpu.mark('seq-active')
    if args.pace:
        rows.append(('sequential: paced, seconds after each', '%g' % args.pace))
    rows.append(('sequential: %d POSTs issued in' % args.n, '%.2f s' % posted))
    rows.append(('sequential: all ACTIVE after', '%.2f s' % active))
    rows.append(('sequential: servers per second', '%.1f' % (args.n / active)))
    rows.append(('sequential: POST median / p95',
                 '%.1f / %.1f ms' % (statistics.median(post_times) * 1e3,
                                     pct(post_times, 95) * 1e3)))
    list_times, listed = list_latency(api, args.list_calls)
    rows.append(('GET /servers/detail (%d listed) median / p95' % listed,
                 '%.1f / %.1f ms' % (statistics.median(list_times) * 1e3,
                                     pct(list_times, 95) * 1e3)))
    cpu.mark('seq-delete')
    del_times, gone = delete_all(api, ids, filters, args)
    cpu.mark('seq-gone')
    rows.append(('sequential: DELETE median / p95',
                 '%.1f / %.1f ms' % (statistics.median(del_times) * 1e3,
                                     pct(del_times, 95) * 1e3)))
    rows.append(('sequential: all gone after', '%.2f s' % gone))


def run_multi(api, args, flavor, rows, cpu):
    prefix = 'bench-multi-%s' % uuid.uuid4().hex[:8]
    cpu.mark('multi-start')
    start = time.perf_counter()
    _, body, took = api.request('POST', '/servers', server_body(
        prefix, args.image, flavor, count=args.n))
    reservation = body['reservation_id']
    filters = {'reservation_id': reservation}
    # With return_reservation_id the ids are not returned: wait for the
    # reservation to show N servers, all ACTIVE.
    deadline = time.monotonic() + args.timeout
    while True:
        servers = api.list_servers(**filters)
        if len(servers) >= args.n:
            break
        if time.monotonic() > deadline:
            raise ApiError('multi-create: only %d of %d servers listed'
                           % (len(servers), args.n))
        time.sleep(args.poll)
    ids = [s['id'] for s in servers]
    wait_active(api, set(ids), filters, args.timeout, args.poll)
    active = time.perf_counter() - start
    cpu.mark('multi-active')
    rows.append(('multi-create: POST (min=max=%d)' % args.n,
                 '%.1f ms' % (took * 1e3)))
    rows.append(('multi-create: all ACTIVE after', '%.2f s' % active))
    rows.append(('multi-create: servers per second',
                 '%.1f' % (args.n / active)))
    cpu.mark('multi-delete')
    del_times, gone = delete_all(api, ids, filters, args)
    cpu.mark('multi-gone')
    rows.append(('multi-create: DELETE median / p95',
                 '%.1f / %.1f ms' % (statistics.median(del_times) * 1e3,
                                     pct(del_times, 95) * 1e3)))
    rows.append(('multi-create: all gone after', '%.2f s' % gone))


def preload(api, args, flavor, rows):
    """Create args.preload background servers with batched multi-creates."""
    prefix = 'bench-preload-%s' % uuid.uuid4().hex[:8]
    start = time.perf_counter()
    left = args.preload
    reservations = []
    while left:
        count = min(left, args.preload_batch)
        _, body, _ = api.request('POST', '/servers', server_body(
            prefix, args.image, flavor, count=count))
        reservations.append(body['reservation_id'])
        left -= count
    deadline = time.monotonic() + args.timeout
    while True:
        ids = [s['id'] for r in reservations
               for s in api.list_servers(reservation_id=r)]
        if len(ids) >= args.preload:
            break
        if time.monotonic() > deadline:
            raise ApiError('preload: only %d servers listed' % len(ids))
        time.sleep(args.poll)
    filters = name_filter(api, prefix, ids[0])
    wait_active(api, set(ids), filters, args.timeout, args.poll)
    rows.append(('preload: %d servers ACTIVE after' % args.preload,
                 '%.2f s' % (time.perf_counter() - start)))
    return ids, filters


def print_table(title, rows):
    width = max(len(r[0]) for r in rows) if rows else 10
    print()
    print(title)
    print('-' * (width + 20))
    for label, value in rows:
        print('%-*s  %s' % (width, label, value))


def print_memory(sampler):
    if not sampler.procs:
        return
    print()
    print('Resident memory (MiB)')
    print('%-28s %8s %8s %8s' % ('process', 'start', 'end', 'peak'))
    mib = 1024.0 * 1024.0
    for label in sampler.procs:
        if label not in sampler.first:
            print('%-28s %s' % (label, 'not readable (gone?)'))
            continue
        print('%-28s %8.1f %8.1f %8.1f' % (
            label, sampler.first[label] / mib, sampler.last[label] / mib,
            sampler.peak[label] / mib))


class CpuMeter:
    """CPU seconds each process spent between two marks.

    On a two-core machine the sum over every process (the services, the
    database, the broker, this client) bounds how many boots per second
    the machine can do at all, so each phase prints it per server.
    """

    _OTHERS = {'mariadbd': 'mariadb', 'mysqld': 'mariadb',
               'postgres': 'postgresql', 'beam.smp': 'rabbitmq'}

    def __init__(self, procs):
        self.procs = dict(procs)
        if psutil is not None:
            self.procs['bench client'] = psutil.Process().pid
            for proc in psutil.process_iter(['pid', 'name']):
                label = self._OTHERS.get(proc.info.get('name'))
                if label:
                    self.procs['%s[%d]' % (label, proc.info['pid'])] = \
                        proc.info['pid']
        self.marks = {}

    def _read(self):
        seconds = {}
        for label, pid in self.procs.items():
            try:
                with open('/proc/%d/stat' % pid) as f:
                    fields = f.read().rsplit(')', 1)[1].split()
            except OSError:
                continue
            # utime and stime, in clock ticks (fields 14 and 15).
            seconds[label] = (int(fields[11]) + int(fields[12])) / 100.0
        return seconds

    def mark(self, name):
        self.marks[name] = self._read()

    def report(self, phases, servers):
        """Print CPU ms per server for each (label, start, end) phase."""
        if not phases or not self.procs:
            return
        print()
        print('CPU per server (ms; all processes of a kind summed)')
        kinds = sorted({re.sub(r'\[\d+\]$|\d+$', '', label)
                        for label in self.procs})
        print('%-16s' % 'process' + ''.join('%14s' % p[0] for p in phases))
        totals = [0.0] * len(phases)
        for kind in kinds:
            cells = []
            for i, (_, start, end) in enumerate(phases):
                a, b = self.marks.get(start, {}), self.marks.get(end, {})
                used = sum(b[l] - a[l] for l in b if l in a and
                           re.sub(r'\[\d+\]$|\d+$', '', l) == kind)
                totals[i] += used
                cells.append('%14.1f' % (used * 1e3 / servers))
            print('%-16s' % kind + ''.join(cells))
        print('%-16s' % 'total' +
              ''.join('%14.1f' % (t * 1e3 / servers) for t in totals))


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--endpoint', default='http://127.0.0.1:8774',
                   help='API root, with or without /v2.1')
    p.add_argument('--token', default='admin:admin',
                   help='X-Auth-Token (noauth2: user:project)')
    p.add_argument('-n', type=int, default=100, help='servers per phase')
    p.add_argument('--flavor', default='bench.tiny',
                   help='flavor name or id; created (64 MiB, 1 vCPU, 1 GiB)'
                        ' when absent')
    p.add_argument('--image', default=DEFAULT_IMAGE, help='image id')
    p.add_argument('--list-calls', type=int, default=20,
                   help='GET /servers/detail calls to time')
    p.add_argument('--preload', type=int, default=0,
                   help='extra servers created first and kept during the run'
                        ' (e.g. 1000 to time listing a large cloud)')
    p.add_argument('--preload-batch', type=int, default=100,
                   help='servers per multi-create request while preloading')
    p.add_argument('--pids', default='',
                   help='name=pid,... processes whose RSS to report')
    p.add_argument('--proc-match', default=None,
                   help='regex on command lines selecting processes whose'
                        ' RSS to report (e.g. "bin/nova-")')
    p.add_argument('--microversion', default=None,
                   help='OpenStack-API-Version to send (default: none, 2.1)')
    p.add_argument('--timeout', type=float, default=600,
                   help='seconds to wait for each ACTIVE/gone phase')
    p.add_argument('--poll', type=float, default=0.1,
                   help='seconds between two list polls (the "all ACTIVE" '
                        'and "all gone" figures are precise to this much)')
    p.add_argument('--skip-multi', action='store_true',
                   help='skip the multi-create phase')
    p.add_argument('--pace', type=float, default=0,
                   help='seconds to wait after each sequential POST and '
                        'DELETE: their latency with the services idle '
                        '(a diagnosis; the targets are for no pause)')
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    procs = parse_pids(args.pids)
    if args.proc_match:
        procs.update(find_processes(args.proc_match))
    sampler = MemorySampler(procs)
    sampler.sample()
    sampler.start()
    cpu = CpuMeter(procs)

    api = Api(args.endpoint, args.token, args.microversion)
    flavor = ensure_flavor(api, args.flavor)
    rows = [('servers per phase', str(args.n))]
    preload_ids = []
    try:
        if args.preload:
            preload_ids, preload_filters = preload(api, args, flavor, rows)
        run_sequential(api, args, flavor, rows, cpu)
        if not args.skip_multi:
            run_multi(api, args, flavor, rows, cpu)
        if preload_ids:
            _, gone = delete_all(api, preload_ids, preload_filters, args)
            rows.append(('preload: all gone after', '%.2f s' % gone))
    except ApiError as exc:
        rows.append(('FAILED', str(exc)))
        print_table('Boot benchmark (%s)' % args.endpoint, rows)
        sampler.stop()
        print_memory(sampler)
        return 1
    sampler.stop()
    print_table('Boot benchmark (%s)' % args.endpoint, rows)
    print_memory(sampler)
    cpu.report([('seq boot', 'seq-start', 'seq-active'),
                ('seq delete', 'seq-delete', 'seq-gone'),
                ('multi boot', 'multi-start', 'multi-active'),
                ('multi delete', 'multi-delete', 'multi-gone')], args.n)
    return 0


if __name__ == '__main__':
    sys.exit(main())
