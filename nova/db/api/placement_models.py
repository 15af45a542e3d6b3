"""Placement's tables, in the API database (DESIGN.md decision 5).

Registered on the API schema's metadata by nova/db/api/models.py. Rows are
referenced by integer ids inside placement; uuids and names are what the
REST API shows. Every provider carries a ``generation`` bumped on each
change to its inventory, traits or aggregates (and on allocations against
it), so concurrent writers conflict instead of overwriting each other.
"""
from sqlalchemy import (BigInteger, Column, Float, ForeignKey, Index, Integer,
                        String, UniqueConstraint)

from nova.db.api.models import BASE
from nova.db.types import TimestampMixin


class ResourceProvider(BASE, TimestampMixin):
    __tablename__ = 'resource_providers'
    __table_args__ = (
        UniqueConstraint('uuid', name='uniq_resource_providers0uuid'),
        UniqueConstraint('name', name='uniq_resource_providers0name'),
        Index('resource_providers_name_idx', 'name'),
        Index('resource_providers_root_provider_id_idx', 'root_provider_id'),
        Index('resource_providers_parent_provider_id_idx',
              'parent_provider_id'),
    )
    id = Column(Integer, primary_key=True)
    uuid = Column(String(36), nullable=False)
    name = Column(String(200), nullable=False)
    generation = Column(Integer, nullable=False, default=0)
    root_provider_id = Column(Integer, ForeignKey('resource_providers.id'))
    parent_provider_id = Column(Integer, ForeignKey('resource_providers.id'))


class ResourceClass(BASE, TimestampMixin):
    """Custom resource classes only; standard ones are os-resource-classes'
    list, whose index in that list is their id (custom ids start at 10000)."""
    __tablename__ = 'resource_classes'
    __table_args__ = (
        UniqueConstraint('name', name='uniq_resource_classes0name'),
    )
    id = Column(Integer, primary_key=True)
    name = Column(String(255), nullable=False)


class Inventory(BASE, TimestampMixin):
    __tablename__ = 'inventories'
    __table_args__ = (
        UniqueConstraint('resource_provider_id', 'resource_class_id',
                         name='uniq_inventories0resource_provider_resource_class'),
        Index('inventories_resource_class_id_idx', 'resource_class_id'),
    )
    id = Column(Integer, primary_key=True)
    resource_provider_id = Column(Integer, ForeignKey('resource_providers.id'),
                                  nullable=False)
    resource_class_id = Column(Integer, nullable=False)
    total = Column(Integer, nullable=False)
    reserved = Column(Integer, nullable=False)
    min_unit = Column(Integer, nullable=False)
    max_unit = Column(Integer, nullable=False)
    step_size = Column(Integer, nullable=False)
    allocation_ratio = Column(Float, nullable=False)


class Project(BASE, TimestampMixin):
    __tablename__ = 'projects'
    __table_args__ = (
        UniqueConstraint('external_id', name='uniq_projects0external_id'),
    )
    id = Column(Integer, primary_key=True)
    external_id = Column(String(255), nullable=False)


class User(BASE, TimestampMixin):
    __tablename__ = 'users'
    __table_args__ = (
        UniqueConstraint('external_id', name='uniq_users0external_id'),
    )
    id = Column(Integer, primary_key=True)
    external_id = Column(String(255), nullable=False)


class ConsumerType(BASE, TimestampMixin):
    __tablename__ = 'consumer_types'
    __table_args__ = (
        UniqueConstraint('name', name='uniq_consumer_types0name'),
    )
    id = Column(Integer, primary_key=True)
    name = Column(String(255), nullable=False)


class Consumer(BASE, TimestampMixin):
    __tablename__ = 'consumers'
    __table_args__ = (
        UniqueConstraint('uuid', name='uniq_consumers0uuid'),
        Index('consumers_project_id_user_id_uuid_idx',
              'project_id', 'user_id', 'uuid'),
    )
    id = Column(Integer, primary_key=True)
    uuid = Column(String(36), nullable=False)
    project_id = Column(Integer, ForeignKey('projects.id'), nullable=False)
    user_id = Column(Integer, ForeignKey('users.id'), nullable=False)
    generation = Column(Integer, nullable=False, default=0)
    consumer_type_id = Column(Integer, ForeignKey('consumer_types.id'))


class Allocation(BASE, TimestampMixin):
    __tablename__ = 'allocations'
    __table_args__ = (
        Index('allocations_resource_provider_class_used_idx',
              'resource_provider_id', 'resource_class_id', 'used'),
        Index('allocations_resource_class_id_idx', 'resource_class_id'),
        Index('allocations_consumer_id_idx', 'consumer_id'),
    )
    id = Column(Integer, primary_key=True)
    resource_provider_id = Column(Integer, ForeignKey('resource_providers.id'),
                                  nullable=False)
    consumer_id = Column(String(36), nullable=False)  # the consumer's uuid
    resource_class_id = Column(Integer, nullable=False)
    used = Column(BigInteger, nullable=False)


class Trait(BASE, TimestampMixin):
    __tablename__ = 'traits'
    __table_args__ = (
        UniqueConstraint('name', name='uniq_traits0name'),
    )
    id = Column(Integer, primary_key=True)
    name = Column(String(255), nullable=False)


class ResourceProviderTrait(BASE, TimestampMixin):
    __tablename__ = 'resource_provider_traits'
    __table_args__ = (
        Index('resource_provider_traits_resource_provider_trait_idx',
              'resource_provider_id', 'trait_id'),
    )
    trait_id = Column(Integer, ForeignKey('traits.id'), primary_key=True)
    resource_provider_id = Column(Integer, ForeignKey('resource_providers.id'),
                                  primary_key=True)


class PlacementAggregate(BASE, TimestampMixin):
    __tablename__ = 'placement_aggregates'
    __table_args__ = (
        UniqueConstraint('uuid', name='uniq_placement_aggregates0uuid'),
    )
    id = Column(Integer, primary_key=True)
    uuid = Column(String(36), nullable=False)


class ResourceProviderAggregate(BASE, TimestampMixin):
    __tablename__ = 'resource_provider_aggregates'
    __table_args__ = (
        Index('resource_provider_aggregates_aggregate_id_idx',
              'aggregate_id'),
    )
    resource_provider_id = Column(Integer, ForeignKey('resource_providers.id'),
                                  primary_key=True)
    aggregate_id = Column(Integer, ForeignKey('placement_aggregates.id'),
                          primary_key=True)
