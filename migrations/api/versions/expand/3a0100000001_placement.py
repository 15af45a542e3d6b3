"""Placement's tables: providers, inventories, allocations, consumers, traits, aggregates.

Revision ID: 3a0100000001
Revises: 75e9538c3c5b

Expand branch: additive changes only (see ../../README.rst). Built by hand
from nova/db/api/placement_models.py.
"""
from alembic import op
import sqlalchemy as sa

revision = '3a0100000001'
down_revision = '75e9538c3c5b'
branch_labels = None
depends_on = None

_MYSQL = {'mysql_engine': 'InnoDB', 'mysql_charset': 'utf8mb4'}


def _timestamps():
    return [sa.Column('created_at', sa.DateTime),
            sa.Column('updated_at', sa.DateTime)]


def _id():
    return sa.Column('id', sa.Integer, primary_key=True)


def _named(table, column, length=255):
    """A table of (id, unique name) rows: classes, traits, owners."""
    op.create_table(
        table, *_timestamps(), _id(),
        sa.Column(column, sa.String(length), nullable=False),
        sa.UniqueConstraint(column, name='uniq_%s0%s' % (table, column)),
        **_MYSQL)


def _providers():
    op.create_table(
        'resource_providers', *_timestamps(), _id(),
        sa.Column('uuid', sa.String(36), nullable=False),
        sa.Column('name', sa.String(200), nullable=False),
        sa.Column('generation', sa.Integer, nullable=False),
        sa.Column('root_provider_id', sa.Integer,
                  sa.ForeignKey('resource_providers.id')),
        sa.Column('parent_provider_id', sa.Integer,
                  sa.ForeignKey('resource_providers.id')),
        sa.UniqueConstraint('uuid', name='uniq_resource_providers0uuid'),
        sa.UniqueConstraint('name', name='uniq_resource_providers0name'),
        sa.Index('resource_providers_name_idx', 'name'),
        sa.Index('resource_providers_root_provider_id_idx',
                 'root_provider_id'),
        sa.Index('resource_providers_parent_provider_id_idx',
                 'parent_provider_id'),
        **_MYSQL)


def _inventories():
    op.create_table(
        'inventories', *_timestamps(), _id(),
        sa.Column('resource_provider_id', sa.Integer,
                  sa.ForeignKey('resource_providers.id'), nullable=False),
        sa.Column('resource_class_id', sa.Integer, nullable=False),
        sa.Column('total', sa.Integer, nullable=False),
        sa.Column('reserved', sa.Integer, nullable=False),
        sa.Column('min_unit', sa.Integer, nullable=False),
        sa.Column('max_unit', sa.Integer, nullable=False),
        sa.Column('step_size', sa.Integer, nullable=False),
        sa.Column('allocation_ratio', sa.Float, nullable=False),
        sa.UniqueConstraint(
            'resource_provider_id', 'resource_class_id',
            name='uniq_inventories0resource_provider_resource_class'),
        sa.Index('inventories_resource_class_id_idx', 'resource_class_id'),
        **_MYSQL)


def _consumers():
    op.create_table(
        'consumers', *_timestamps(), _id(),
        sa.Column('uuid', sa.String(36), nullable=False),
        sa.Column('project_id', sa.Integer, sa.ForeignKey('projects.id'),
                  nullable=False),
        sa.Column('user_id', sa.Integer, sa.ForeignKey('users.id'),
                  nullable=False),
        sa.Column('generation', sa.Integer, nullable=False),
        sa.Column('consumer_type_id', sa.Integer,
                  sa.ForeignKey('consumer_types.id')),
        sa.UniqueConstraint('uuid', name='uniq_consumers0uuid'),
        sa.Index('consumers_project_id_user_id_uuid_idx',
                 'project_id', 'user_id', 'uuid'),
        **_MYSQL)


def _allocations():
    op.create_table(
        'allocations', *_timestamps(), _id(),
        sa.Column('resource_provider_id', sa.Integer,
                  sa.ForeignKey('resource_providers.id'), nullable=False),
        sa.Column('consumer_id', sa.String(36), nullable=False),
        sa.Column('resource_class_id', sa.Integer, nullable=False),
        sa.Column('used', sa.BigInteger, nullable=False),
        sa.Index('allocations_resource_provider_class_used_idx',
                 'resource_provider_id', 'resource_class_id', 'used'),
        sa.Index('allocations_resource_class_id_idx', 'resource_class_id'),
        sa.Index('allocations_consumer_id_idx', 'consumer_id'),
        **_MYSQL)


def _links():
    op.create_table(
        'resource_provider_traits', *_timestamps(),
        sa.Column('trait_id', sa.Integer, sa.ForeignKey('traits.id'),
                  primary_key=True),
        sa.Column('resource_provider_id', sa.Integer,
                  sa.ForeignKey('resource_providers.id'), primary_key=True),
        sa.Index('resource_provider_traits_resource_provider_trait_idx',
                 'resource_provider_id', 'trait_id'),
        **_MYSQL)
    op.create_table(
        'resource_provider_aggregates', *_timestamps(),
        sa.Column('resource_provider_id', sa.Integer,
                  sa.ForeignKey('resource_providers.id'), primary_key=True),
        sa.Column('aggregate_id', sa.Integer,
                  sa.ForeignKey('placement_aggregates.id'), primary_key=True),
        sa.Index('resource_provider_aggregates_aggregate_id_idx',
                 'aggregate_id'),
        **_MYSQL)


def upgrade():
    _providers()
    _named('resource_classes', 'name')
    _inventories()
    _named('projects', 'external_id')
    _named('users', 'external_id')
    _named('consumer_types', 'name')
    _consumers()
    _allocations()
    _named('traits', 'name')
    _named('placement_aggregates', 'uuid', 36)
    _links()
