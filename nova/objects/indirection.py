"""Which threads send their object calls to the conductor.

A separate nova-compute process sends all of them (a plain ConductorAPI as
``NovaObject.indirection_api``). In nova-all and the functional tests the
compute shares a process with the conductor, so only the compute's own
threads may be redirected: the indirection API here is "true" only inside
:func:`remote_objects`, which the compute manager enters on every entry
point. The same code path is exercised either way.
"""
import contextlib
import functools
import threading

_LOCAL = threading.local()


class ThreadLocalIndirection:
    def __init__(self, api):
        self._api = api

    def __bool__(self):
        return getattr(_LOCAL, 'remote', False)

    def __getattr__(self, name):
        return getattr(self._api, name)


@contextlib.contextmanager
def remote_objects():
    previous = getattr(_LOCAL, 'remote', False)
    _LOCAL.remote = True
    try:
        yield
    finally:
        _LOCAL.remote = previous


def in_remote_objects(fn):
    """Decorator: run fn with its object calls sent to the conductor."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with remote_objects():
            return fn(*args, **kwargs)
    return wrapper
