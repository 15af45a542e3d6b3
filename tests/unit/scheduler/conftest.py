"""Hosts and requests built in memory for filter and weigher tests."""
import pytest

from nova import conf as nova_conf
from nova import objects
from nova.scheduler import host_state
from nova.scheduler import request as sched_request


@pytest.fixture
def conf():
    return nova_conf.build_conf()


def make_host(name, free_ram=4096, free_vcpus=8, free_disk=100,
              aggregates=(), stats=None, disabled=False, up=True,
              traits=(), **node_kw):
    node = host_state.NodeInfo(uuid='uuid-' + name, host=name,
                               nodename=name, cell_uuid='cell1',
                               stats=dict(stats or {}), **node_kw)
    summary = {'resources': {
        'MEMORY_MB': {'capacity': free_ram * 2, 'used': free_ram},
        'VCPU': {'capacity': free_vcpus * 2, 'used': free_vcpus},
        'DISK_GB': {'capacity': free_disk * 2, 'used': free_disk}},
        'traits': list(traits)}
    return host_state.HostState(
        node, summary, {'allocations': {node.uuid: {'resources': {}}}},
        aggregates=aggregates, service_disabled=disabled, service_up=up)


def make_aggregate(name, hosts, **metadata):
    return host_state.AggregateInfo(uuid='agg-' + name, name=name,
                                    hosts=frozenset(hosts),
                                    metadata=metadata)


def make_request(ram=512, vcpus=1, disk=1, extra_specs=None, image=None,
                 hints=None, zone=None, project='p1'):
    objects.register_all()
    flavor = objects.Flavor(
        id=1, flavorid='f', name='f', vcpus=vcpus, memory_mb=ram,
        root_gb=disk, ephemeral_gb=0, swap=0,
        extra_specs=dict(extra_specs or {}), disabled=False, is_public=True,
        projects=[], rxtx_factor=1.0, vcpu_weight=None, description=None,
        created_at=None, updated_at=None)
    spec = objects.RequestSpec(
        instance_uuid='0a6b4f6e-2b36-4d43-9d39-3d5f3d0e8b11',
        project_id=project, user_id='u1', flavor=flavor,
        image_id=None, image_properties=dict(image or {}), num_instances=1,
        availability_zone=zone, scheduler_hints=dict(hints or {}),
        ignore_hosts=None, force_hosts=None, force_nodes=None, is_bfv=False)
    return sched_request.SchedulingRequest(None, spec)
