"""Whether a compute service is up, as the API needs to know it.

Deciding between a cast and a local delete needs the host's service state
for every delete; a few seconds of staleness is harmless (heartbeats come
every ``report_interval``), and a query per delete is not.
"""
import threading
import time

from nova import exception
from nova import objects

_TTL = 5.0  # seconds a host's state is trusted


class HostStatusCache:
    def __init__(self, conf):
        self.conf = conf
        self._states = {}
        self._lock = threading.Lock()

    def is_up(self, cell_context, host):
        now = time.monotonic()
        key = (getattr(cell_context, 'cell_uuid', None), host)
        with self._lock:
            cached = self._states.get(key)
        if cached is not None and now - cached[1] < _TTL:
            return cached[0]
        try:
            service = objects.Service.get_by_compute_host(cell_context, host)
            up = service.is_up(self.conf.service_down_time)
        except exception.ComputeHostNotFound:
            up = False
        with self._lock:
            self._states[key] = (up, now)
        return up
