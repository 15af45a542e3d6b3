"""Harness for integration tests that run the real console scripts.

The services run as subprocesses of the scripts installed next to the Python
running the tests (``Path(sys.executable).parent``), against the RabbitMQ,
MariaDB and PostgreSQL on 127.0.0.1. Each test makes its own vhost and
databases with unique names and drops them afterwards, so a crashed run leaves
nothing that breaks the next one.
"""
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent
IMAGE_ID = '70a599e0-31e7-49b7-b260-868f441e862b'
ADMIN_TOKEN = 'admin:admin'
LOG_TAIL_LINES = 200


# --------------------------------------------------------------- skipping --

def tcp_reachable(port, host='127.0.0.1', timeout=2.0):
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def skip_loudly(reason):
    """Skip, and say so on stderr too: a silent skip hides a broken CI."""
    message = 'INTEGRATION TEST SKIPPED: %s' % reason
    print('\n' + '!' * 72 + '\n' + message + '\n' + '!' * 72,
          file=sys.stderr, flush=True)
    pytest.skip(message)


def require_rabbitmq():
    if not tcp_reachable(5672):
        skip_loudly('RabbitMQ is not reachable on 127.0.0.1:5672')
    if shutil.which('rabbitmqctl') is None:
        skip_loudly('rabbitmqctl is not installed (needed to make a vhost)')


def require_database(backend):
    port = {'mysql': 3306, 'postgresql': 5432}[backend]
    name = {'mysql': 'MariaDB', 'postgresql': 'PostgreSQL'}[backend]
    if not tcp_reachable(port):
        skip_loudly('%s is not reachable on 127.0.0.1:%d' % (name, port))


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def unique_name(prefix='nit'):
    return '%s_%s' % (prefix, uuid.uuid4().hex[:10])


# ------------------------------------------------------------ RabbitMQ ----

def _rabbitmqctl(*args):
    proc = subprocess.run(['rabbitmqctl', *args], capture_output=True,
                          text=True, timeout=60, stdin=subprocess.DEVNULL)
    if proc.returncode:
        raise RuntimeError('rabbitmqctl %s failed: %s%s' % (
            ' '.join(args), proc.stdout, proc.stderr))


@pytest.fixture
def rabbit_vhost():
    """A fresh vhost; yields the transport_url."""
    require_rabbitmq()
    vhost = unique_name()
    _rabbitmqctl('add_vhost', vhost)
    try:
        _rabbitmqctl('set_permissions', '-p', vhost, 'guest', '.*', '.*',
                     '.*')
        yield 'rabbit://guest:guest@127.0.0.1:5672/%s' % vhost
    finally:
        _rabbitmqctl('delete_vhost', vhost)


# ----------------------------------------------------------- databases ----

class Databases:
    """Unique databases on MariaDB or PostgreSQL, all named ``prefix*``."""

    def __init__(self, backend):
        self.backend = backend
        self.prefix = unique_name()

    def url(self, suffix):
        name = '%s_%s' % (self.prefix, suffix)
        if self.backend == 'mysql':
            return 'mysql+pymysql://root@127.0.0.1/%s?charset=utf8mb4' % name
        return 'postgresql+psycopg://postgres@127.0.0.1/%s' % name

    def _run(self, statements, fetch=None):
        if self.backend == 'mysql':
            import pymysql
            conn = pymysql.connect(host='127.0.0.1', user='root',
                                   autocommit=True)
        else:
            import psycopg
            conn = psycopg.connect(host='127.0.0.1', user='postgres',
                                   dbname='postgres', autocommit=True)
        try:
            cur = conn.cursor()
            rows = []
            if fetch:
                cur.execute(fetch)
                rows = [r[0] for r in cur.fetchall()]
            for statement in statements(rows) if callable(statements) \
                    else statements:
                cur.execute(statement)
            return rows
        finally:
            conn.close()

    def create(self, *suffixes):
        self._run(['CREATE DATABASE %s_%s' % (self.prefix, s)
                   for s in suffixes])

    def drop_all(self):
        """Drop every database named with our prefix, including any the
        services made themselves."""
        if self.backend == 'mysql':
            fetch = "SHOW DATABASES LIKE '%s%%'" % self.prefix
            drop = 'DROP DATABASE IF EXISTS `%s`'
        else:
            fetch = ("SELECT datname FROM pg_database WHERE datname LIKE "
                     "'%s%%'" % self.prefix)
            # FORCE ends the connections a killed service left behind.
            drop = 'DROP DATABASE IF EXISTS "%s" WITH (FORCE)'
        self._run(lambda names: [drop % n for n in names], fetch=fetch)


@pytest.fixture
def databases(request):
    """Parametrize indirectly with 'mysql' or 'postgresql'."""
    backend = request.param
    require_database(backend)
    dbs = Databases(backend)
    try:
        yield dbs
    finally:
        dbs.drop_all()


# ----------------------------------------------------------- processes ----

class ServiceProcess:
    """One console script running in its own session, logging to a file."""

    def __init__(self, name, argv, workdir, env=None):
        self.name = name
        self.argv = argv
        self.log_file = workdir / ('%s.log' % name)
        self.out_file = workdir / ('%s.out' % name)
        self.env = env
        self.proc = None

    def start(self):
        # nova-all picks libvirt whenever libvirtd answers; a test that
        # does not ask for a driver gets the fake one (oslo.config reads
        # OS_<GROUP>__<OPTION> from the environment, above config files).
        env = dict(os.environ if self.env is None else self.env)
        env.setdefault('OS_DEFAULT__COMPUTE_DRIVER', 'fake')
        out = open(self.out_file, 'wb')
        try:
            self.proc = subprocess.Popen(
                self.argv + ['--log-file', str(self.log_file)],
                stdout=out, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, env=env,
                start_new_session=True)
        finally:
            out.close()
        return self

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def _signal(self, sig):
        try:
            # The whole process group: a service may fork workers.
            os.killpg(self.proc.pid, sig)
        except ProcessLookupError:
            pass

    def stop(self, timeout=20):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self._signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self._signal(signal.SIGKILL)
                self.proc.wait(timeout=10)
        # Reap anything left in the group even when the leader exited.
        self._signal(signal.SIGKILL)

    def log_contains(self, text):
        return self.log_file.exists() and text in self.log_file.read_text(
            errors='replace')

    def tail(self, lines=LOG_TAIL_LINES):
        parts = []
        for path in (self.log_file, self.out_file):
            if path.exists() and path.stat().st_size:
                text = path.read_text(errors='replace').splitlines()
                parts.append('--- %s (last %d of %d lines) ---\n%s' % (
                    path, min(lines, len(text)), len(text),
                    '\n'.join(text[-lines:])))
        state = ('running' if self.alive() else
                 'exited %s' % (self.proc.returncode if self.proc else '-'))
        return '===== %s [%s] =====\n%s' % (self.name, state,
                                             '\n'.join(parts) or '(no output)')


class ServiceGroup:
    """The processes of one test; stopped in teardown whatever happened."""

    def __init__(self, workdir):
        self.workdir = workdir
        self.procs = []
        self.commands = []  # (argv, returncode, output) of one-shot commands
        self.logs_in_message = False

    def script(self, name):
        path = BIN / name
        if not path.exists():
            self.fail('console script %s is not installed next to %s '
                      '(pip install -e .)' % (name, sys.executable))
        return path

    def start(self, name, script, *args):
        self.script(script)
        proc = ServiceProcess(name, [str(BIN / script), *args], self.workdir)
        self.procs.append(proc.start())
        return proc

    def run(self, script, *args, timeout=300):
        """Run a one-shot command (nova-manage); fail with its output."""
        argv = [str(self.script(script)), *args]
        try:
            done = subprocess.run(argv, capture_output=True, text=True,
                                  timeout=timeout, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired as exc:
            self.fail('%s timed out after %ss: %s' % (
                ' '.join(argv), timeout, exc.stdout))
        output = (done.stdout or '') + (done.stderr or '')
        self.commands.append((argv, done.returncode, output))
        if done.returncode:
            self.fail('%s exited %d:\n%s' % (' '.join(argv),
                                             done.returncode, output))
        return output

    def check_alive(self):
        dead = [p.name for p in self.procs if not p.alive()]
        if dead:
            self.fail('service(s) exited early: %s' % ', '.join(dead))

    def stop_all(self):
        # Reverse order: API first, conductor last.
        for proc in reversed(self.procs):
            proc.stop()

    def dump(self):
        parts = [p.tail() for p in self.procs]
        for argv, rc, output in self.commands[-6:]:
            parts.append('===== %s [exit %d] =====\n%s' % (
                ' '.join(Path(a).name if i == 0 else a
                         for i, a in enumerate(argv)), rc, output[-4000:]))
        return '\n'.join(parts)

    def fail(self, message):
        self.logs_in_message = True  # the report hook need not add them
        pytest.fail('%s\n\n%s' % (message, self.dump()), pytrace=False)


@pytest.fixture
def services(request, tmp_path):
    group = ServiceGroup(tmp_path)
    # Read by pytest_runtest_makereport below to attach logs to failures.
    request.node.nova_services = group
    try:
        yield group
    finally:
        group.stop_all()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    group = getattr(item, 'nova_services', None)
    if not report.failed or group is None or group.logs_in_message:
        return
    group.logs_in_message = True
    logs = group.dump()
    if hasattr(report.longrepr, 'addsection'):
        report.longrepr.addsection('nova service logs', logs)
    else:
        report.sections.append(('nova service logs', logs))


# ----------------------------------------------------------- API client ---

class ApiClient:
    """Minimal JSON client of the compute API over a kept-alive connection."""

    def __init__(self, port, token=ADMIN_TOKEN, host='127.0.0.1'):
        self.host, self.port, self.token = host, port, token
        self.conn = None

    def request(self, method, path, body=None, headers=None, timeout=60):
        hdrs = {'X-Auth-Token': self.token, 'Accept': 'application/json'}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            hdrs['Content-Type'] = 'application/json'
        hdrs.update(headers or {})
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port,
                                                       timeout=timeout)
            try:
                self.conn.request(method, path, body=data, headers=hdrs)
                resp = self.conn.getresponse()
                raw = resp.read()
                break
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        try:
            decoded = json.loads(raw) if raw else None
        except ValueError:
            decoded = raw.decode(errors='replace')
        return resp.status, decoded

    def get(self, path, **kw):
        return self.request('GET', path, **kw)

    def post(self, path, body, **kw):
        return self.request('POST', path, body, **kw)

    def delete(self, path, **kw):
        return self.request('DELETE', path, **kw)


def wait_for(predicate, timeout, interval=0.5, on_timeout=None,
             check=None):
    """Call predicate until it returns a true value or timeout passes.

    ``check`` runs each round (e.g. to fail fast when a service died);
    ``on_timeout(last)`` is called with the last value on timeout.
    """
    deadline = time.monotonic() + timeout
    last = None
    while True:
        if check:
            check()
        last = predicate()
        if last:
            return last
        if time.monotonic() > deadline:
            if on_timeout:
                on_timeout(last)
            raise TimeoutError('timed out after %ss' % timeout)
        time.sleep(interval)


def wait_api_up(api, group, timeout=90):
    def up():
        try:
            status, _ = api.get('/', timeout=5)
        except OSError:
            return False
        return status == 200

    wait_for(up, timeout, check=group.check_alive,
             on_timeout=lambda _: group.fail(
                 'nova API did not answer GET / within %ss' % timeout))


def db_rows(url, sql, **params):
    """The rows (as dicts) of one query on a database the test owns.

    For what no API shows (host mappings): read straight from the
    database, never through the services.
    """
    import sqlalchemy as sa
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            return [dict(row) for row in
                    conn.execute(sa.text(sql), params).mappings()]
    finally:
        engine.dispose()


# What oslo.messaging logs when an RPC handler raised (expected exceptions
# of a call are logged at debug level, without it).
RPC_HANDLER_ERROR = 'Exception during message handling'


def check_rpc_handlers_clean(group):
    """Fail at once when a service died or one of its RPC handlers raised:
    a cast that failed on arrival leaves nothing else to wait for."""
    group.check_alive()
    broken = [p.name for p in group.procs
              if p.log_contains(RPC_HANDLER_ERROR)]
    if broken:
        group.fail('an RPC handler raised in %s (%r in the log)'
                   % (', '.join(broken), RPC_HANDLER_ERROR))
