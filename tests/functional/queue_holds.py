"""Hold a conductor queue's next batch until enough items are queued, so
a test sees them handled as one batch whatever the timing. A wrapper
around the real method (nova.conductor.batching), never a replacement."""
import threading
import time

WAIT = 20  # seconds a held batch waits at most (a test never hangs)


def hold_next_batch(monkeypatch, queue_class, count):
    """queue_class's next batch waits until count items are queued."""
    original = queue_class._take_batch
    waiting = threading.Event()
    done = threading.Event()

    def take_when_all_are_queued(self):
        if not done.is_set():
            waiting.set()
            deadline = time.monotonic() + WAIT
            while self._queue.qsize() < count and \
                    time.monotonic() < deadline:
                time.sleep(0.01)
            done.set()
        return original(self)
    monkeypatch.setattr(queue_class, '_take_batch', take_when_all_are_queued)
    # The queue may be waiting in the real method: let it come round.
    assert waiting.wait(WAIT)
