"""Schema of a cell database: the instances of that cell and its hosts."""
from sqlalchemy import (BigInteger, Boolean, Column, DateTime, Float,
                        ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import declarative_base

from nova.db.types import MediumText, SoftDeleteMixin, TimestampMixin

BASE = declarative_base()


class Service(BASE, TimestampMixin, SoftDeleteMixin):
    __tablename__ = 'services'
    __table_args__ = (
        UniqueConstraint('host', 'topic', 'deleted',
                         name='uniq_services0host0topic0deleted'),
        UniqueConstraint('host', 'binary', 'deleted',
                         name='uniq_services0host0binary0deleted'),
        UniqueConstraint('uuid', name='uniq_services0uuid'),
        Index('services_host_idx', 'host'),
    )
    id = Column(Integer, primary_key=True)
    uuid = Column(String(36), nullable=True)
    host = Column(String(255))
    binary = Column(String(255))
    topic = Column(String(255))
    report_count = Column(Integer, nullable=False, default=0)
    disabled = Column(Boolean, default=False)
    disabled_reason = Column(String(255))
    last_seen_up = Column(DateTime, nullable=True)
    forced_down = Column(Boolean, default=False)
    version = Column(Integer, default=0)


class ComputeNode(BASE, TimestampMixin, SoftDeleteMixin):
    __tablename__ = 'compute_nodes'
    __table_args__ = (
        UniqueConstraint('host', 'hypervisor_hostname', 'deleted',
                         name='uniq_compute_nodes0host0hypervisor_hostname0'
                              'deleted'),
        UniqueConstraint('uuid', name='compute_nodes_uuid_idx'),
    )
    id = Column(Integer, primary_key=True)
    uuid = Column(String(36), nullable=True)
    service_id = Column(Integer, nullable=True)
    host = Column(String(255), nullable=True)
    hypervisor_hostname = Column(String(255))
    vcpus = Column(Integer, nullable=False)
    memory_mb = Column(Integer, nullable=False)
    local_gb = Column(Integer, nullable=False)
    vcpus_used = Column(Integer, nullable=False, default=0)
    memory_mb_used = Column(Integer, nullable=False, default=0)
    local_gb_used = Column(Integer, nullable=False, default=0)
    free_ram_mb = Column(Integer)
    free_disk_gb = Column(Integer)
    current_workload = Column(Integer)
    running_vms = Column(Integer)
    disk_available_least = Column(Integer)
    hypervisor_type = Column(MediumText(), nullable=False)
    hypervisor_version = Column(Integer, nullable=False)
    cpu_info = Column(MediumText(), nullable=False)
    host_ip = Column(String(39))
    supported_instances = Column(Text)
    stats = Column(Text, default='{}')
    cpu_allocation_ratio = Column(Float, nullable=True)
    ram_allocation_ratio = Column(Float, nullable=True)
    disk_allocation_ratio = Column(Float, nullable=True)
    mapped = Column(Integer, nullable=True, default=0)


class Instance(BASE, TimestampMixin, SoftDeleteMixin):
    __tablename__ = 'instances'
    __table_args__ = (
        UniqueConstraint('uuid', name='uniq_instances0uuid'),
        Index('instances_project_id_deleted_idx', 'project_id', 'deleted'),
        Index('instances_reservation_id_idx', 'reservation_id'),
        Index('instances_host_node_deleted_idx', 'host', 'node', 'deleted'),
        Index('instances_deleted_created_at_idx', 'deleted', 'created_at'),
        Index('instances_updated_at_project_id_idx', 'updated_at',
              'project_id'),
    )
    id = Column(Integer, primary_key=True, autoincrement=True)
    uuid = Column(String(36), nullable=False)
    user_id = Column(String(255))
    project_id = Column(String(255))
    image_ref = Column(String(255))
    kernel_id = Column(String(255))
    ramdisk_id = Column(String(255))
    hostname = Column(String(255))
    launch_index = Column(Integer)
    key_name = Column(String(255))
    key_data = Column(MediumText())
    power_state = Column(Integer)
    vm_state = Column(String(255))
    task_state = Column(String(255))
    memory_mb = Column(Integer)
    vcpus = Column(Integer)
    root_gb = Column(Integer)
    ephemeral_gb = Column(Integer)
    host = Column(String(255))
    node = Column(String(255))
    instance_type_id = Column(Integer)
    user_data = Column(MediumText())
    reservation_id = Column(String(255))
    launched_at = Column(DateTime)
    terminated_at = Column(DateTime)
    availability_zone = Column(String(255))
    display_name = Column(String(255))
    display_description = Column(Text)
    launched_on = Column(MediumText())
    locked = Column(Boolean)
    locked_by = Column(String(10))
    os_type = Column(String(255))
    architecture = Column(String(255))
    root_device_name = Column(String(255))
    default_ephemeral_device = Column(String(255))
    default_swap_device = Column(String(255))
    config_drive = Column(String(255))
    access_ip_v4 = Column(String(39))
    access_ip_v6 = Column(String(39))
    auto_disk_config = Column(Boolean)
    progress = Column(Integer)
    shutdown_terminate = Column(Boolean, default=False)
    disable_terminate = Column(Boolean, default=False)
    cleaned = Column(Integer, default=0)
    hidden = Column(Boolean, default=False)


class InstanceExtra(BASE, TimestampMixin, SoftDeleteMixin):
    __tablename__ = 'instance_extra'
    __table_args__ = (
        UniqueConstraint('instance_uuid',
                         name='uniq_instance_extra0instance_uuid'),
        Index('instance_extra_idx', 'instance_uuid'),
    )
    id = Column(Integer, primary_key=True)
    instance_uuid = Column(String(36), ForeignKey('instances.uuid'),
                           nullable=False)
    flavor = Column(Text)
    numa_topology = Column(Text)
    pci_requests = Column(Text)
    vcpu_model = Column(Text)
    migration_context = Column(Text)
    keypairs = Column(Text)
    device_metadata = Column(Text)
    trusted_certs = Column(Text)
    resources = Column(Text)


class InstanceMetadata(BASE, TimestampMixin, SoftDeleteMixin):
    __tablename__ = 'instance_metadata'
    __table_args__ = (Index('instance_metadata_instance_uuid_idx',
                            'instance_uuid'),)
    id = Column(Integer, primary_key=True)
    key = Column(String(255))
    value = Column(String(255))
    instance_uuid = Column(String(36), ForeignKey('instances.uuid'))


class InstanceSystemMetadata(BASE, TimestampMixin, SoftDeleteMixin):
    __tablename__ = 'instance_system_metadata'
    __table_args__ = (Index('instance_uuid', 'instance_uuid'),)
    id = Column(Integer, primary_key=True)
    key = Column(String(255), nullable=False)
    value = Column(String(255))
    instance_uuid = Column(String(36), ForeignKey('instances.uuid'),
                           nullable=False)


class InstanceFault(BASE, TimestampMixin, SoftDeleteMixin):
    __tablename__ = 'instance_faults'
    __table_args__ = (
        Index('instance_faults_host_idx', 'host'),
        Index('instance_faults_instance_uuid_deleted_created_at_idx',
              'instance_uuid', 'deleted', 'created_at'),
    )
    id = Column(Integer, primary_key=True)
    instance_uuid = Column(String(36), ForeignKey('instances.uuid'))
    code = Column(Integer(), nullable=False)
    message = Column(String(255))
    details = Column(MediumText())
    host = Column(String(255))


class InstanceAction(BASE, TimestampMixin, SoftDeleteMixin):
    __tablename__ = 'instance_actions'
    __table_args__ = (
        Index('instance_uuid_idx', 'instance_uuid'),
        Index('request_id_idx', 'request_id'),
        Index('instance_actions_instance_uuid_updated_at_idx',
              'instance_uuid', 'updated_at'),
    )
    id = Column(Integer, primary_key=True)
    action = Column(String(255))
    instance_uuid = Column(String(36), ForeignKey('instances.uuid'))
    request_id = Column(String(255))
    user_id = Column(String(255))
    project_id = Column(String(255))
    start_time = Column(DateTime)
    finish_time = Column(DateTime)
    message = Column(String(255))


class InstanceActionEvent(BASE, TimestampMixin, SoftDeleteMixin):
    __tablename__ = 'instance_actions_events'
    __table_args__ = (
        Index('instance_actions_events_action_id_idx', 'action_id'),
    )
    id = Column(Integer, primary_key=True)
    event = Column(String(255))
    action_id = Column(Integer, ForeignKey('instance_actions.id'))
    start_time = Column(DateTime)
    finish_time = Column(DateTime)
    result = Column(String(255))
    traceback = Column(Text)
    host = Column(String(255))
    details = Column(Text)


class Migration(BASE, TimestampMixin, SoftDeleteMixin):
    """A move of an instance between hosts or flavors (resize)."""
    __tablename__ = 'migrations'
    __table_args__ = (
        Index('migrations_instance_uuid_and_status_idx', 'deleted',
              'instance_uuid', 'status'),
        # Per host, for a restarting compute's recovery (two indexes: one
        # over both hosts is too long a key for MySQL's utf8mb4).
        Index('migrations_source_compute_status_idx', 'deleted',
              'source_compute', 'status'),
        Index('migrations_dest_compute_status_idx', 'deleted',
              'dest_compute', 'status'),
        Index('migrations_updated_at_idx', 'updated_at'),
        UniqueConstraint('uuid', name='uniq_migrations0uuid'),
    )
    id = Column(Integer, primary_key=True, nullable=False)
    uuid = Column(String(36), nullable=False)
    source_compute = Column(String(255))
    dest_compute = Column(String(255))
    source_node = Column(String(255))
    dest_node = Column(String(255))
    dest_host = Column(String(255))
    old_instance_type_id = Column(Integer)
    new_instance_type_id = Column(Integer)
    instance_uuid = Column(String(36), ForeignKey('instances.uuid'))
    status = Column(String(255))
    migration_type = Column(String(255))
    hidden = Column(Boolean, default=False)
    cross_cell_move = Column(Boolean, default=False)
    user_id = Column(String(255))
    project_id = Column(String(255))
