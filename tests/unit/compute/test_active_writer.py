"""The compute's ACTIVE writes: one cast to the conductor per build that
spawned alone, one for all the builds that ended while a cast was under
way (a multi-create)."""
import datetime
import threading
import uuid

from nova.compute import build
from nova import objects
from nova.objects import fields

WAIT = 10  # seconds any step may take at most (a test never hangs)


class Conductor:
    """Stands in for the conductor's RPC client; the first cast waits
    until released, as a slow broker would make it."""

    def __init__(self):
        self.casts = []
        self.events = []   # (host, {uuid: when its spawn started})
        self.first_cast = threading.Event()
        self.release = threading.Event()

    def finish_builds(self, context, finished, host=None, started=None):
        self.casts.append(dict(finished))
        self.events.append((host, dict(started or {})))
        if len(self.casts) == 1:
            self.first_cast.set()
            assert self.release.wait(WAIT)


STARTED = datetime.datetime(2030, 1, 2, 3, 4, 1,
                            tzinfo=datetime.timezone.utc)


def _spawned():
    objects.register_all()
    instance = objects.Instance(uuid=str(uuid.uuid4()))
    instance.power_state = fields.PowerState.RUNNING
    instance.vm_state = fields.VMState.ACTIVE
    instance.task_state = None
    instance.launched_at = datetime.datetime(
        2030, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
    return instance


def test_builds_ending_during_a_cast_share_the_next_one():
    conductor = Conductor()
    writer = build.ActiveWriter(conductor, 'compute1')
    first, second, third = _spawned(), _spawned(), _spawned()
    sender = threading.Thread(target=writer.write, args=(None, first))
    sender.start()
    assert conductor.first_cast.wait(WAIT)
    # A cast is under way: these queue and return at once.
    writer.write(None, second, STARTED)
    writer.write(None, third, STARTED)
    conductor.release.set()
    sender.join(WAIT)
    assert [sorted(c) for c in conductor.casts] == [
        [first.uuid], sorted([second.uuid, third.uuid])]
    values = conductor.casts[1][second.uuid]
    assert values == {'power_state': fields.PowerState.RUNNING,
                      'vm_state': 'active', 'task_state': None,
                      'launched_at': '2030-01-02T03:04:05'}
    # The instance holds what was sent, as after a save.
    assert not second.obj_what_changed() & set(build.ACTIVE_FIELDS)
    # With the start of each spawn (as RPC carries a datetime) and the
    # host, for the build events; none for a build that gave no start.
    assert conductor.events == [
        ('compute1', {}),
        ('compute1', {second.uuid: '2030-01-02T03:04:01',
                      third.uuid: '2030-01-02T03:04:01'})]


def test_a_lone_build_sends_its_own_cast():
    conductor = Conductor()
    conductor.release.set()
    writer = build.ActiveWriter(conductor)
    for instance in (_spawned(), _spawned()):
        writer.write(None, instance)
    assert [len(c) for c in conductor.casts] == [1, 1]
