"""A queue that hands its items to a worker thread in batches.

Items arriving less than ``stream_gap`` seconds apart are a stream (a
script working through servers one after the other, many users at once):
a batch that starts with a streamed item waits until ``linger`` seconds
after that item arrived for the next ones, since a batch costs the same
few transactions whatever its size. A lone item does not wait. Whatever
queued up while the worker was busy is taken at once, up to ``max_batch``
(counted by ``size``).

If handling a batch raises, each of its items is handled again alone, so
one bad item costs only itself. ``stop`` returns once everything queued
before it is handled (or its timeout passed).
"""
import queue
import threading
import time

from oslo_log import log as logging

LOG = logging.getLogger(__name__)

# Put by stop(): wakes a worker waiting for a first item.
_WAKE = object()


class LingeringQueue:
    """Hands queued items to ``handle(batch)`` on a thread of its own."""

    # Read at every batch: subclasses and tests may change them.
    stream_gap = 0.1
    linger = 0.03
    max_batch = 500

    def __init__(self, handle, name, size=None, describe=None):
        """handle: called with a list of items; size(item): how much of
        max_batch an item takes (1 if not given); describe(item): how the
        log names an item that failed."""
        self._handle = handle
        self._name = name
        self._size = size or (lambda item: 1)
        self._describe = describe or repr
        self._queue = queue.Queue()   # (item, arrived, streamed)
        self._stopped = threading.Event()
        self._last_arrival = None
        self._arrival_lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, daemon=True,
                                        name=name)
        self._thread.start()

    def put(self, item):
        with self._arrival_lock:
            now = time.monotonic()
            streamed = (self._last_arrival is not None and
                        now - self._last_arrival < self.stream_gap)
            self._last_arrival = now
            self._queue.put((item, now, streamed))

    def stop(self, timeout=10):
        self._stopped.set()
        self._queue.put(_WAKE)
        self._thread.join(timeout)

    def _take_batch(self):
        try:
            first = self._queue.get(timeout=0.5)
        except queue.Empty:
            return []
        if first is _WAKE:
            return []
        item, arrived, streamed = first
        batch = [item]
        count = self._size(item)
        linger_until = arrived + self.linger if streamed else None
        while count < self.max_batch:
            left = linger_until - time.monotonic() if linger_until else 0
            try:
                entry = self._queue.get(timeout=left) if left > 0 \
                    else self._queue.get_nowait()
            except queue.Empty:
                break
            if entry is _WAKE:
                break   # stopping: no more lingering
            batch.append(entry[0])
            count += self._size(entry[0])
        return batch

    def _run(self):
        while not (self._stopped.is_set() and self._queue.empty()):
            batch = self._take_batch()
            if batch:
                self._handle_batch(batch)

    def _handle_batch(self, batch):
        try:
            self._handle(batch)
        except Exception:
            LOG.exception('%s: a batch of %d failed; retrying its items '
                          'one by one', self._name, len(batch))
            for item in batch:
                try:
                    self._handle([item])
                except Exception:
                    LOG.exception('%s: %s failed', self._name,
                                  self._describe(item))
