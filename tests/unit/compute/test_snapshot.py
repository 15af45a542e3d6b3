"""The snapshot workflow: the image record it starts with, and the
task_states the compute side walks through (with a stand-in instance that
checks its compare-and-set saves the way the database does)."""
import os

import pytest

from nova.compute import snapshot
from nova.compute import states
from nova import context as nova_context
from nova import exception
from nova.objects import fields
from nova.virt import driver as virt_driver

T = fields.TaskState


class StandInInstance:
    """uuid, states, system metadata; save() is a compare-and-set."""

    def __init__(self, **kw):
        self.uuid = 'inst-1'
        self.project_id = 'p1'
        self.image_ref = 'base-img'
        self.root_gb = 1
        self.display_name = 'vm'
        self.vm_state = fields.VMState.ACTIVE
        self.task_state = T.IMAGE_SNAPSHOT_PENDING
        self.system_metadata = {}
        self.__dict__.update(kw)
        self.saved_task_state = self.task_state
        self.history = []
        self.deleted = False

    def save(self, expected_task_state=None, expected_vm_state=None):
        if self.deleted:
            raise exception.InstanceNotFound(instance_id=self.uuid)
        if expected_task_state is not None:
            expected = expected_task_state if isinstance(
                expected_task_state, list) else [expected_task_state]
            if self.saved_task_state not in expected:
                cls = (exception.UnexpectedDeletingTaskStateError
                       if self.saved_task_state == T.DELETING
                       else exception.UnexpectedTaskStateError)
                raise cls(instance_uuid=self.uuid, expected=expected,
                          actual=self.saved_task_state)
        self.saved_task_state = self.task_state
        self.history.append(self.task_state)


class Facade:
    def __init__(self):
        self.images = {}
        self.calls = []

    def update(self, context, image_id, values=None, remove_props=()):
        self.calls.append(('update', image_id, values))
        return {}

    def upload(self, context, image_id, chunks, size=None):
        data = b''.join(chunks)
        assert len(data) == size
        self.images[image_id] = data
        self.calls.append(('upload', image_id, size))

    def delete(self, context, image_id):
        self.calls.append(('delete', image_id))


class Driver(virt_driver.SnapshotCapable):
    def __init__(self, fail=None, before_pending=None):
        self.fail = fail
        self.before_pending = before_pending

    def get_info(self, instance):
        return virt_driver.InstanceInfo(state=fields.PowerState.RUNNING)

    def snapshot(self, context, instance, image_id, update_task_state,
                 workdir):
        if self.before_pending:
            self.before_pending()
        update_task_state(task_state=T.IMAGE_PENDING_UPLOAD)
        if self.fail:
            raise self.fail
        path = os.path.join(workdir, 'disk')
        with open(path, 'wb') as out:
            out.write(b'disk-bytes')
        return virt_driver.SnapshotFile(path, 'raw')


@pytest.fixture
def landed(monkeypatch):
    """Record how the workflow lands (finish/fail write action events)."""
    result = {}

    def finish(context, host, driver, instance, name, started,
               expected_task_state=None, **kw):
        instance.task_state = None
        instance.save(expected_task_state=expected_task_state)
        result['finish'] = name

    def fail(context, host, driver, instance, name, started, exc,
             expected_task_state=None, **kw):
        instance.task_state = None
        instance.save(expected_task_state=expected_task_state)
        result['fail'] = exc

    monkeypatch.setattr(states, 'finish', finish)
    monkeypatch.setattr(states, 'fail', fail)
    return result


def _run(instance, driver, facade, tmp_path):
    snapshot.snapshot_instance(None, 'host1', driver, facade, instance,
                               'snap-1', str(tmp_path / 'snapshots'))


def test_task_states_in_order_and_upload(tmp_path, landed):
    instance, facade = StandInInstance(), Facade()
    _run(instance, Driver(), facade, tmp_path)
    assert instance.history == [T.IMAGE_SNAPSHOT, T.IMAGE_PENDING_UPLOAD,
                                T.IMAGE_UPLOADING, None]
    assert facade.calls[0] == ('update', 'snap-1', {
        'disk_format': 'raw', 'container_format': 'bare'})
    assert facade.images == {'snap-1': b'disk-bytes'}
    assert landed == {'finish': 'snapshot'}
    assert os.listdir(tmp_path / 'snapshots') == []


def test_driver_failure_deletes_image_and_clears_task_state(tmp_path,
                                                            landed):
    instance, facade = StandInInstance(), Facade()
    _run(instance, Driver(fail=RuntimeError('disk unreadable')), facade,
         tmp_path)
    assert ('delete', 'snap-1') in facade.calls
    assert instance.task_state is None
    assert instance.vm_state == fields.VMState.ACTIVE
    assert isinstance(landed['fail'], RuntimeError)
    assert os.listdir(tmp_path / 'snapshots') == []


def test_a_driver_without_the_capability_fails_cleanly(tmp_path, landed):
    class Bare:
        pass
    instance, facade = StandInInstance(), Facade()
    _run(instance, Bare(), facade, tmp_path)
    assert isinstance(landed['fail'], exception.ActionNotSupported)
    assert facade.calls == [('delete', 'snap-1')]


def test_delete_during_snapshot_discards_the_image(tmp_path, landed):
    instance, facade = StandInInstance(), Facade()

    def delete_arrives():
        instance.saved_task_state = T.DELETING
    _run(instance, Driver(before_pending=delete_arrives), facade, tmp_path)
    assert facade.calls == [('delete', 'snap-1')]
    assert landed == {}


def test_not_pending_any_more_abandons(tmp_path, landed):
    instance = StandInInstance(task_state=None)
    facade = Facade()
    _run(instance, Driver(), facade, tmp_path)
    assert facade.calls == [('delete', 'snap-1')]
    assert instance.history == []


def _ctx(project='p1'):
    return nova_context.RequestContext(user_id='u1', project_id=project)


def test_snapshot_metadata_inherits_and_marks():
    instance = StandInInstance(system_metadata={
        'image_os_distro': 'cirros', 'image_min_ram': '64',
        'image_min_disk': '5', 'image_disk_format': 'qcow2',
        'image_container_format': 'bare', 'image_base_image_ref': 'base',
        'image_cache_in_nova': 'true', 'image_instance_uuid': 'older',
        'image_owner_specified.openstack.sha256': 'abc',
        'other': 'not an image key'})
    meta = snapshot.snapshot_metadata(_ctx(), instance, 'snap',
                                      {'purpose': 'x'})
    assert meta == {
        'name': 'snap', 'min_ram': 64, 'min_disk': 5,
        'disk_format': 'qcow2', 'container_format': 'bare',
        'visibility': 'private', 'properties': {
            'os_distro': 'cirros', 'base_image_ref': 'base',
            'instance_uuid': 'inst-1', 'user_id': 'u1',
            'image_type': 'snapshot', 'purpose': 'x'}}


def test_snapshot_metadata_of_an_admin_for_another_project():
    meta = snapshot.snapshot_metadata(_ctx('admin-project'),
                                      StandInInstance(), 'snap')
    assert meta['visibility'] == 'shared'
    assert meta['properties']['instance_owner'] == 'p1'
    assert meta['properties']['base_image_ref'] == 'base-img'


def test_recover_after_a_restart(tmp_path):
    class Listing(Facade):
        def get_all(self, context, filters=None, **kw):
            assert filters == {'instance_uuid': 'inst-1',
                               'image_type': 'snapshot'}
            return [{'id': 'half', 'status': 'saving'},
                    {'id': 'done', 'status': 'active'}]
    instance = StandInInstance(task_state=T.IMAGE_UPLOADING)
    facade = Listing()
    snapshot.recover(None, facade, instance)
    assert facade.calls == [('delete', 'half')]
    assert instance.history == [None]


def test_guest_missing_on_the_host_fails_cleanly(tmp_path, landed):
    class GuestGone(Driver):
        def snapshot(self, *args):
            raise exception.InstanceNotFound(instance_id='inst-1')
    instance, facade = StandInInstance(), Facade()
    _run(instance, GuestGone(), facade, tmp_path)
    assert facade.calls == [('delete', 'snap-1')]
    assert isinstance(landed['fail'], exception.InstanceNotFound)
    assert instance.task_state is None


def test_instance_record_gone_is_quiet(tmp_path, landed):
    instance, facade = StandInInstance(), Facade()

    def record_deleted():
        instance.deleted = True
    _run(instance, Driver(before_pending=record_deleted), facade, tmp_path)
    assert facade.calls == [('delete', 'snap-1')]
    assert 'finish' not in landed
