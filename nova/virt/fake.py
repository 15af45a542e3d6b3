"""A driver with no hypervisor: guests are entries in a dict.

Host resources come from ``[fake_driver]``; ``spawn_seconds`` models a slow
hypervisor and ``fail_spawn_names`` makes chosen builds fail, for tests.
"""
import threading
import time

from nova import exception
from nova.objects import fields
from nova.virt import driver


class FakeDriver(driver.ComputeDriver):
    def __init__(self, conf):
        super().__init__(conf)
        self._guests = {}
        self._lock = threading.Lock()
        self._nodename = conf.host

    def get_available_nodes(self):
        return [self._nodename]

    def get_host_resources(self, nodename):
        opts = self.conf.fake_driver
        return driver.HostResources(
            nodename=nodename, vcpus=opts.vcpus, memory_mb=opts.memory_mb,
            local_gb=opts.local_gb, hypervisor_type='fake',
            hypervisor_version=1000)

    def spawn(self, context, instance, image_meta):
        opts = self.conf.fake_driver
        if opts.spawn_seconds:
            time.sleep(opts.spawn_seconds)
        if instance.display_name in opts.fail_spawn_names:
            raise exception.InstanceSpawnFailure(
                instance_uuid=instance.uuid,
                reason='the fake driver was told to fail this build')
        with self._lock:
            self._guests[instance.uuid] = fields.PowerState.RUNNING

    def destroy(self, context, instance):
        with self._lock:
            self._guests.pop(instance.uuid, None)

    def get_info(self, instance):
        with self._lock:
            state = self._guests.get(instance.uuid)
        if state is None:
            raise exception.InstanceNotFound(instance_id=instance.uuid)
        return driver.InstanceInfo(state=state, internal_id=instance.uuid)

    def list_instance_uuids(self):
        with self._lock:
            return list(self._guests)
