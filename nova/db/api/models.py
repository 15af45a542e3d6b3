"""Schema of the API database: what is global to the whole deployment."""
from sqlalchemy import (Boolean, Column, Float, ForeignKey, Index, Integer,
                        String, Text, UniqueConstraint)
from sqlalchemy.orm import declarative_base, relationship

from nova.db.types import MediumText, TimestampMixin

BASE = declarative_base()


class CellMapping(BASE, TimestampMixin):
    __tablename__ = 'cell_mappings'
    __table_args__ = (UniqueConstraint('uuid', name='uniq_cell_mappings0uuid'),)
    id = Column(Integer, primary_key=True)
    uuid = Column(String(36), nullable=False)
    name = Column(String(255))
    transport_url = Column(Text())
    database_connection = Column(Text())
    disabled = Column(Boolean, default=False, nullable=False)


class HostMapping(BASE, TimestampMixin):
    __tablename__ = 'host_mappings'
    __table_args__ = (UniqueConstraint('host', name='uniq_host_mappings0host'),
                      Index('host_idx', 'host'))
    id = Column(Integer, primary_key=True)
    cell_id = Column(Integer, ForeignKey('cell_mappings.id'), nullable=False)
    host = Column(String(255), nullable=False)
    cell_mapping = relationship(CellMapping, lazy='joined')


class InstanceMapping(BASE, TimestampMixin):
    __tablename__ = 'instance_mappings'
    __table_args__ = (
        UniqueConstraint('instance_uuid',
                         name='uniq_instance_mappings0instance_uuid'),
        Index('instance_uuid_idx', 'instance_uuid'),
        Index('project_id_idx', 'project_id'),
        Index('instance_mappings_user_id_project_id_idx',
              'user_id', 'project_id'),
    )
    id = Column(Integer, primary_key=True)
    instance_uuid = Column(String(36), nullable=False)
    cell_id = Column(Integer, ForeignKey('cell_mappings.id'), nullable=True)
    project_id = Column(String(255), nullable=False)
    user_id = Column(String(255), nullable=True)
    queued_for_delete = Column(Boolean, default=False)
    cell_mapping = relationship(CellMapping, lazy='joined')


class RequestSpec(BASE, TimestampMixin):
    __tablename__ = 'request_specs'
    __table_args__ = (
        UniqueConstraint('instance_uuid',
                         name='uniq_request_specs0instance_uuid'),
        Index('request_spec_instance_uuid_idx', 'instance_uuid'),
    )
    id = Column(Integer, primary_key=True)
    instance_uuid = Column(String(36), nullable=False)
    spec = Column(MediumText(), nullable=False)


class BuildRequest(BASE, TimestampMixin):
    __tablename__ = 'build_requests'
    __table_args__ = (
        UniqueConstraint('instance_uuid',
                         name='uniq_build_requests0instance_uuid'),
        Index('build_requests_project_id_idx', 'project_id'),
        Index('build_requests_instance_uuid_idx', 'instance_uuid'),
    )
    id = Column(Integer, primary_key=True)
    instance_uuid = Column(String(36), nullable=False)
    project_id = Column(String(255), nullable=False)
    instance = Column(MediumText())
    block_device_mappings = Column(MediumText())
    tags = Column(Text())


class Flavors(BASE, TimestampMixin):
    __tablename__ = 'flavors'
    __table_args__ = (
        UniqueConstraint('flavorid', name='uniq_flavors0flavorid'),
        UniqueConstraint('name', name='uniq_flavors0name'),
    )
    id = Column(Integer, primary_key=True)
    name = Column(String(255), nullable=False)
    memory_mb = Column(Integer, nullable=False)
    vcpus = Column(Integer, nullable=False)
    root_gb = Column(Integer)
    ephemeral_gb = Column(Integer)
    flavorid = Column(String(255), nullable=False)
    swap = Column(Integer, nullable=False, default=0)
    rxtx_factor = Column(Float, default=1)
    vcpu_weight = Column(Integer)
    disabled = Column(Boolean, default=False)
    is_public = Column(Boolean, default=True)
    description = Column(Text())
    extra_specs = relationship('FlavorExtraSpecs', lazy='selectin',
                               cascade='all, delete-orphan')
    projects = relationship('FlavorProjects', lazy='selectin',
                            cascade='all, delete-orphan')


class FlavorExtraSpecs(BASE, TimestampMixin):
    __tablename__ = 'flavor_extra_specs'
    __table_args__ = (
        Index('flavor_extra_specs_flavor_id_key_idx', 'flavor_id', 'key'),
        UniqueConstraint('flavor_id', 'key',
                         name='uniq_flavor_extra_specs0flavor_id0key'),
    )
    id = Column(Integer, primary_key=True)
    key = Column(String(255), nullable=False)
    value = Column(String(255))
    flavor_id = Column(Integer, ForeignKey('flavors.id'), nullable=False)


class FlavorProjects(BASE, TimestampMixin):
    __tablename__ = 'flavor_projects'
    __table_args__ = (
        UniqueConstraint('flavor_id', 'project_id',
                         name='uniq_flavor_projects0flavor_id0project_id'),
    )
    id = Column(Integer, primary_key=True)
    flavor_id = Column(Integer, ForeignKey('flavors.id'), nullable=False)
    project_id = Column(String(255), nullable=False)


# Placement's tables live in their own module on the same metadata.
from nova.db.api import placement_models  # noqa: E402,F401
# The built-in image store's tables, likewise.
from nova.db.api import image_models  # noqa: E402,F401
# Host aggregates and server groups (scheduling inputs), likewise.
from nova.db.api import scheduling_models  # noqa: E402,F401
