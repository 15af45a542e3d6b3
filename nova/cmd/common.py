"""What every daemon does before it serves: config, logging, objects, DB."""
import gc
import signal
import sys
import threading

from oslo_log import log as logging

from nova import conf as nova_conf
from nova.db import engines
from nova import objects


def tune_gc():
    """Collect garbage less often, and never scan what start-up made.

    A scheduling decision or a candidates query builds ~100k short-lived
    objects; with CPython's default first threshold (700) that triggers
    full collections that walk every object the process holds, which
    tripled the p95 of a decision at 10,000 providers (155 ms vs a 42 ms
    median). Freezing what start-up created and raising the first
    threshold keeps p95 near the median at a few MiB of extra memory.
    """
    gc.freeze()
    gc.set_threshold(50000, 20, 20)


def prepare(binary, argv=None, overrides=None, default_config_files=None):
    """Parse the command line and config files; set up logging and DBs."""
    argv = sys.argv[1:] if argv is None else argv
    conf = nova_conf.build_conf(argv, default_config_files=default_config_files)
    for key, value in (overrides or {}).items():
        group, _, name = key.rpartition('.')
        conf.set_default(name, value, group=group or None)
    logging.setup(conf, 'nova')
    objects.register_all()
    engines.configure(conf)
    tune_gc()
    return conf


def wait_for_signal(stoppers):
    """Block until SIGTERM or SIGINT, then stop every service in order."""
    done = threading.Event()

    def handler(signum, _frame):
        logging.getLogger(__name__).info('Signal %d received, stopping',
                                         signum)
        done.set()
    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)
    while not done.wait(1):
        pass
    for stop in stoppers:
        try:
            stop()
        except Exception:
            logging.getLogger(__name__).exception('Error while stopping')
