"""Host states and the choice among them.

Until placement lands, capacity is the compute nodes' records (total times
allocation ratio, minus what the resource tracker reported used) plus the
claims this scheduler made since the record was last written. The placement
issue replaces this module's insides, not select_destinations' interface.
"""
import random

from oslo_log import log as logging

from nova import context as nova_context
from nova import exception
from nova import objects
from nova.objects import base as objects_base

LOG = logging.getLogger(__name__)


class HostState:
    def __init__(self, node, cell_uuid):
        self.cell_uuid = cell_uuid
        self.host = node.host
        self.nodename = node.hypervisor_hostname
        self.uuid = node.uuid
        self.claims = {}
        self.update(node)

    def update(self, node):
        """Take the node's record; drop claims it already accounts for."""
        self.vcpus = node.vcpus * (node.cpu_allocation_ratio or 16.0)
        self.memory_mb = node.memory_mb * (node.ram_allocation_ratio or 1.5)
        self.disk_gb = node.local_gb * (node.disk_allocation_ratio or 1.0)
        self.vcpus_used = node.vcpus_used or 0
        self.memory_mb_used = node.memory_mb_used or 0
        self.disk_gb_used = node.local_gb_used or 0
        self.record_updated_at = node.updated_at or node.created_at
        self.claims = {uuid: c for uuid, c in self.claims.items()
                       if c[0] > self.record_updated_at}

    def free(self):
        claimed = [0, 0, 0]
        for _, vcpus, ram, disk in self.claims.values():
            claimed[0] += vcpus
            claimed[1] += ram
            claimed[2] += disk
        return (self.vcpus - self.vcpus_used - claimed[0],
                self.memory_mb - self.memory_mb_used - claimed[1],
                self.disk_gb - self.disk_gb_used - claimed[2])

    def claim(self, instance_uuid, flavor, now):
        self.claims[instance_uuid] = (now, flavor.vcpus, flavor.memory_mb,
                                      flavor.root_gb + flavor.ephemeral_gb)


class HostManager:
    def __init__(self, conf):
        self.conf = conf
        self.states = {}

    def _refresh(self, context):
        """Read every cell's services and compute nodes (2 queries/cell)."""
        seen = set()
        down_time = self.conf.service_down_time
        for cell in objects.CellMappingList.get_all(context):
            if cell.is_cell0 or cell.disabled:
                continue
            with nova_context.target_cell(context, cell) as cctxt:
                services = {s.host: s for s in objects.ServiceList.get_all(
                    cctxt, binary='nova-compute')}
                nodes = objects.ComputeNodeList.get_all(cctxt)
            for node in nodes:
                service = services.get(node.host)
                if service is None or service.disabled or \
                        not service.is_up(down_time):
                    continue
                key = (node.host, node.hypervisor_hostname)
                seen.add(key)
                state = self.states.get(key)
                if state is None:
                    self.states[key] = HostState(node, cell.uuid)
                else:
                    state.update(node)
        for key in set(self.states) - seen:
            del self.states[key]

    def select(self, context, spec, instance_uuids, refresh=True):
        """Selections for every instance, or NoValidHost for all of them
        (a multi-create is placed whole or not at all)."""
        if refresh:
            self.refresh()
        claimed = []
        try:
            return self._select(spec, instance_uuids, claimed)
        except exception.NoValidHost:
            for state, uuid in claimed:
                state.claims.pop(uuid, None)
            raise

    def refresh(self):
        self._refresh(nova_context.get_admin_context())

    def _select(self, spec, instance_uuids, claimed):
        flavor = spec.flavor
        need = (flavor.vcpus, flavor.memory_mb,
                flavor.root_gb + flavor.ephemeral_gb)
        now = objects_base.now()
        alternates = self.conf.scheduler.max_attempts - 1
        result = []
        for uuid in instance_uuids:
            fits = [s for s in self.states.values()
                    if all(f >= n for f, n in zip(s.free(), need))
                    and self._forced_ok(spec, s)]
            if spec.availability_zone:
                # Zones arrive with aggregates; until then all hosts are
                # in the default zone "nova".
                if spec.availability_zone != 'nova':
                    fits = []
            if not fits:
                self._no_valid_host(flavor, len(self.states))
            # Spread: most free RAM first, random among equals.
            fits.sort(key=lambda s: (s.free()[1], random.random()),
                      reverse=True)
            subset = fits[:self.conf.filter_scheduler.host_subset_size]
            chosen = random.choice(subset)
            chosen.claim(uuid, flavor, now)
            claimed.append((chosen, uuid))
            others = [s for s in fits if s is not chosen][:alternates]
            result.append([self._selection(s) for s in [chosen] + others])
        return result

    @staticmethod
    def _forced_ok(spec, state):
        """An admin may name the host and/or node (no alternates then)."""
        if spec.force_hosts and state.host not in spec.force_hosts:
            return False
        if spec.force_nodes and state.nodename not in spec.force_nodes:
            return False
        return True

    @staticmethod
    def _selection(state):
        return objects.Selection(compute_node_uuid=state.uuid,
                                 service_host=state.host,
                                 nodename=state.nodename,
                                 cell_uuid=state.cell_uuid,
                                 limits=None, allocation_request=None,
                                 allocation_request_version=None)

    def _no_valid_host(self, flavor, host_count):
        if not host_count:
            reason = 'There are no compute hosts up.'
        else:
            reason = ('There are not enough hosts available: no host has '
                      '%d vCPU, %d MiB of RAM and %d GiB of disk free.'
                      % (flavor.vcpus, flavor.memory_mb,
                         flavor.root_gb + flavor.ephemeral_gb))
        LOG.info('NoValidHost for flavor %s among %d hosts: %s',
                 flavor.flavorid, host_count, reason)
        raise exception.NoValidHost(reason=reason)
