"""The conductor's lingering batch queue (builds and destroys use it): a
stream lingers for its next items, a lone item goes at once, a backlog is
taken whole, a failed batch is retried item by item, and stop ends what
was queued."""
import threading

import pytest

from nova.conductor import batching

WAIT = 10  # seconds any step may take at most (a test never hangs)


class Handler:
    """Records the batches it is given; fails on items named 'bad'; holds
    a batch while ``hold`` is set."""

    def __init__(self):
        self.batches = []
        self.handled = threading.Semaphore(0)
        self.hold = threading.Event()
        self.holding = threading.Event()
        self.release = threading.Event()

    def __call__(self, batch):
        if self.hold.is_set():
            self.hold.clear()
            self.holding.set()
            assert self.release.wait(WAIT)
        self.batches.append(list(batch))
        self.handled.release()
        if 'bad' in batch:
            raise RuntimeError('bad item')

    def wait_handled(self, count=1):
        for _ in range(count):
            assert self.handled.acquire(timeout=WAIT), 'nothing handled'


@pytest.fixture
def handler():
    return Handler()


@pytest.fixture
def make_queue(handler):
    queues = []

    def make(stream_gap=0.0, linger=3600.0, max_batch=500):
        queue = batching.LingeringQueue(handler, 'test-queue')
        queue.stream_gap, queue.linger = stream_gap, linger
        queue.max_batch = max_batch
        queues.append(queue)
        return queue
    yield make
    for queue in queues:
        queue.stop()


def test_a_lone_item_is_handled_without_lingering(make_queue, handler):
    queue = make_queue(stream_gap=0.0, linger=3600.0)  # would hang
    queue.put('alone')
    handler.wait_handled()
    queue.put('later')
    handler.wait_handled()
    assert handler.batches == [['alone'], ['later']]


def test_a_stream_lingers_into_one_batch(make_queue, handler):
    queue = make_queue(stream_gap=60.0, linger=60.0, max_batch=2)
    queue.put('first')             # nothing came before: handled alone
    handler.wait_handled()
    queue.put('second')            # a stream now: waits for the next
    threading.Event().wait(0.05)   # the queue has taken it by now
    queue.put('third')             # max_batch ends the linger
    handler.wait_handled()
    assert handler.batches == [['first'], ['second', 'third']]


def test_a_backlog_is_taken_at_once_up_to_max_batch(make_queue, handler):
    queue = make_queue(max_batch=3)
    handler.hold.set()
    queue.put('busy')
    assert handler.holding.wait(WAIT)
    for name in ('a', 'b', 'c', 'd'):
        queue.put(name)
    handler.release.set()
    handler.wait_handled(3)
    assert handler.batches == [['busy'], ['a', 'b', 'c'], ['d']]


def test_a_failed_batch_is_retried_item_by_item(make_queue, handler):
    queue = make_queue()
    handler.hold.set()
    queue.put('busy')
    assert handler.holding.wait(WAIT)
    for name in ('a', 'bad', 'b'):
        queue.put(name)
    handler.release.set()
    handler.wait_handled(5)
    assert handler.batches == [['busy'], ['a', 'bad', 'b'],
                               ['a'], ['bad'], ['b']]


def test_stop_handles_what_was_queued(make_queue, handler):
    queue = make_queue()
    handler.hold.set()
    queue.put('busy')
    assert handler.holding.wait(WAIT)
    queue.put('queued')
    stopping = threading.Thread(target=queue.stop)
    stopping.start()
    handler.release.set()
    stopping.join(WAIT)
    assert not stopping.is_alive()
    assert handler.batches == [['busy'], ['queued']]
    assert not queue._thread.is_alive()


def test_stop_of_an_idle_queue_ends_its_thread(make_queue):
    queue = make_queue()
    queue.stop()
    assert not queue._thread.is_alive()
