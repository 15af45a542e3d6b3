"""Host aggregates and server groups, in the API database.

Registered on the API schema's metadata by nova/db/api/models.py. Both are
global to the deployment (an aggregate names hosts of any cell; a group's
members may live in any cell), hence the API database. Rows are hard
deleted: nothing refers to a deleted aggregate or group.
"""
from sqlalchemy import (Column, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import relationship

from nova.db.api.models import BASE
from nova.db.types import TimestampMixin


class Aggregate(BASE, TimestampMixin):
    __tablename__ = 'aggregates'
    __table_args__ = (
        UniqueConstraint('name', name='uniq_aggregate0name'),
        Index('aggregate_uuid_idx', 'uuid'),
    )
    id = Column(Integer, primary_key=True, autoincrement=True)
    # Also the uuid of the placement aggregate that mirrors it.
    uuid = Column(String(36), nullable=False)
    name = Column(String(255), nullable=False)
    hosts = relationship('AggregateHost', lazy='selectin',
                         cascade='all, delete-orphan')
    metadata_items = relationship('AggregateMetadata', lazy='selectin',
                                  cascade='all, delete-orphan')


class AggregateHost(BASE, TimestampMixin):
    __tablename__ = 'aggregate_hosts'
    __table_args__ = (
        UniqueConstraint('host', 'aggregate_id',
                         name='uniq_aggregate_hosts0host0aggregate_id'),
    )
    id = Column(Integer, primary_key=True, autoincrement=True)
    host = Column(String(255), nullable=False)
    aggregate_id = Column(Integer, ForeignKey('aggregates.id'),
                          nullable=False)


class AggregateMetadata(BASE, TimestampMixin):
    __tablename__ = 'aggregate_metadata'
    __table_args__ = (
        UniqueConstraint('aggregate_id', 'key',
                         name='uniq_aggregate_metadata0aggregate_id0key'),
        Index('aggregate_metadata_key_idx', 'key'),
    )
    id = Column(Integer, primary_key=True)
    aggregate_id = Column(Integer, ForeignKey('aggregates.id'),
                          nullable=False)
    key = Column(String(255), nullable=False)
    value = Column(String(255), nullable=False)


class InstanceGroup(BASE, TimestampMixin):
    __tablename__ = 'instance_groups'
    __table_args__ = (
        UniqueConstraint('uuid', name='uniq_instance_groups0uuid'),
    )
    id = Column(Integer, primary_key=True, autoincrement=True)
    user_id = Column(String(255))
    project_id = Column(String(255))
    uuid = Column(String(36), nullable=False)
    name = Column(String(255))
    policies = relationship('InstanceGroupPolicy', lazy='selectin',
                            cascade='all, delete-orphan')
    members = relationship('InstanceGroupMember', lazy='selectin',
                           cascade='all, delete-orphan')


class InstanceGroupPolicy(BASE, TimestampMixin):
    """One row per group (Nova kept a table from when a group had a list
    of policies); ``rules`` is a JSON object (2.64)."""
    __tablename__ = 'instance_group_policy'
    __table_args__ = (
        Index('instance_group_policy_policy_idx', 'policy'),
    )
    id = Column(Integer, primary_key=True, autoincrement=True)
    policy = Column(String(255))
    rules = Column(Text)
    group_id = Column(Integer, ForeignKey('instance_groups.id'),
                      nullable=False)


class InstanceGroupMember(BASE, TimestampMixin):
    __tablename__ = 'instance_group_member'
    __table_args__ = (
        Index('instance_group_member_instance_idx', 'instance_uuid'),
    )
    id = Column(Integer, primary_key=True, autoincrement=True)
    instance_uuid = Column(String(255))
    group_id = Column(Integer, ForeignKey('instance_groups.id'),
                      nullable=False)
