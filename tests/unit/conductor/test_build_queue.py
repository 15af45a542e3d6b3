"""The conductor's build queue: a stream of creates lingers for the next
order so several share a batch; a lone create is built at once."""
import threading

import pytest

from nova.conductor import build

WAIT = 10  # seconds any step may take at most (a test never hangs)


class Recorder:
    """Stands in for the Builder: records the batches it is given."""

    def __init__(self):
        self.batches = []
        self.built = threading.Semaphore(0)

    def build(self, orders):
        self.batches.append([o.instance_uuids[0] for o in orders])
        self.built.release()

    def wait_built(self):
        assert self.built.acquire(timeout=WAIT), 'no batch was built'


def _order(name):
    return build.BuildOrder(context=None, instance_uuids=[name], image={})


@pytest.fixture
def queue_and_builder():
    builder = Recorder()
    queue = build.BuildQueue(builder)
    yield queue, builder
    queue.stop()


def test_a_stream_of_orders_lingers_into_one_batch(monkeypatch,
                                                   queue_and_builder):
    monkeypatch.setattr(build, 'STREAM_GAP', 60.0)
    monkeypatch.setattr(build, 'LINGER', 60.0)
    monkeypatch.setattr(build, 'MAX_BATCH', 2)  # ends the linger at two
    queue, builder = queue_and_builder
    queue.put(_order('first'))     # nothing came before: built alone
    builder.wait_built()
    queue.put(_order('second'))    # a stream now: waits for the next
    threading.Event().wait(0.05)   # the queue has taken it by now
    queue.put(_order('third'))
    builder.wait_built()
    assert builder.batches == [['first'], ['second', 'third']]


def test_a_lone_order_is_built_without_lingering(monkeypatch,
                                                 queue_and_builder):
    monkeypatch.setattr(build, 'STREAM_GAP', 0.0)   # never a stream
    monkeypatch.setattr(build, 'LINGER', 3600.0)    # would hang the test
    queue, builder = queue_and_builder
    queue.put(_order('alone'))
    builder.wait_built()
    queue.put(_order('later'))
    builder.wait_built()
    assert builder.batches == [['alone'], ['later']]
