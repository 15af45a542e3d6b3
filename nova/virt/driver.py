"""The virt driver contract: a small core every driver implements.

Optional capabilities (snapshot, console, migration, volumes) are separate
interfaces a driver opts into, so the core stays small.
"""
import abc
import dataclasses

import stevedore

from nova import exception


@dataclasses.dataclass
class InstanceInfo:
    """What the hypervisor says about one guest."""
    state: int  # a nova.objects.fields.PowerState value
    internal_id: str = ''


@dataclasses.dataclass
class HostResources:
    """The capacity one node offers, as the hypervisor reports it."""
    nodename: str
    vcpus: int
    memory_mb: int
    local_gb: int
    hypervisor_type: str
    hypervisor_version: int
    cpu_info: str = '{}'


class ComputeDriver(abc.ABC):
    """Core contract. Parameters are objects, never opaque dicts."""

    def __init__(self, conf):
        self.conf = conf

    def init_host(self, host):
        """Called once when the compute service starts."""

    @abc.abstractmethod
    def get_available_nodes(self):
        """Names of the nodes this driver manages (usually one)."""

    @abc.abstractmethod
    def get_host_resources(self, nodename):
        """HostResources of one node."""

    @abc.abstractmethod
    def spawn(self, context, instance, image_meta):
        """Create and start the guest; raise on failure."""

    @abc.abstractmethod
    def destroy(self, context, instance):
        """Stop and remove the guest and its local files; idempotent."""

    @abc.abstractmethod
    def get_info(self, instance):
        """InstanceInfo of a guest; raise InstanceNotFound if absent."""

    @abc.abstractmethod
    def list_instance_uuids(self):
        """uuids of every guest the hypervisor has."""


def load_driver(conf):
    try:
        manager = stevedore.DriverManager(
            'nova.compute.drivers', conf.compute_driver,
            invoke_on_load=True, invoke_args=(conf,))
    except Exception as exc:
        raise exception.VirtDriverNotFound(name=conf.compute_driver) from exc
    return manager.driver
