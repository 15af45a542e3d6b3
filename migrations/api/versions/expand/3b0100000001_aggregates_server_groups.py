"""Host aggregates and server groups.

Revision ID: 3b0100000001
Revises: 3a0100000001

Expand branch: additive changes only (see ../../README.rst). Built by hand
from nova/db/api/scheduling_models.py.
"""
from alembic import op
import sqlalchemy as sa

revision = '3b0100000001'
down_revision = '3a0100000001'
branch_labels = None
depends_on = None

_MYSQL = {'mysql_engine': 'InnoDB', 'mysql_charset': 'utf8mb4'}


def _common():
    """Timestamps and the integer primary key every table here has."""
    return [sa.Column('created_at', sa.DateTime),
            sa.Column('updated_at', sa.DateTime),
            sa.Column('id', sa.Integer, primary_key=True,
                      autoincrement=True)]


def _aggregates():
    op.create_table(
        'aggregates', *_common(),
        sa.Column('uuid', sa.String(36), nullable=False),
        sa.Column('name', sa.String(255), nullable=False),
        sa.UniqueConstraint('name', name='uniq_aggregate0name'),
        sa.Index('aggregate_uuid_idx', 'uuid'),
        **_MYSQL)
    op.create_table(
        'aggregate_hosts', *_common(),
        sa.Column('host', sa.String(255), nullable=False),
        sa.Column('aggregate_id', sa.Integer,
                  sa.ForeignKey('aggregates.id'), nullable=False),
        sa.UniqueConstraint('host', 'aggregate_id',
                            name='uniq_aggregate_hosts0host0aggregate_id'),
        **_MYSQL)
    op.create_table(
        'aggregate_metadata', *_common(),
        sa.Column('aggregate_id', sa.Integer,
                  sa.ForeignKey('aggregates.id'), nullable=False),
        sa.Column('key', sa.String(255), nullable=False),
        sa.Column('value', sa.String(255), nullable=False),
        sa.UniqueConstraint('aggregate_id', 'key',
                            name='uniq_aggregate_metadata0aggregate_id0key'),
        sa.Index('aggregate_metadata_key_idx', 'key'),
        **_MYSQL)


def _server_groups():
    op.create_table(
        'instance_groups', *_common(),
        sa.Column('user_id', sa.String(255)),
        sa.Column('project_id', sa.String(255)),
        sa.Column('uuid', sa.String(36), nullable=False),
        sa.Column('name', sa.String(255)),
        sa.UniqueConstraint('uuid', name='uniq_instance_groups0uuid'),
        **_MYSQL)
    op.create_table(
        'instance_group_policy', *_common(),
        sa.Column('policy', sa.String(255)),
        sa.Column('rules', sa.Text),
        sa.Column('group_id', sa.Integer,
                  sa.ForeignKey('instance_groups.id'), nullable=False),
        sa.Index('instance_group_policy_policy_idx', 'policy'),
        **_MYSQL)
    op.create_table(
        'instance_group_member', *_common(),
        sa.Column('instance_uuid', sa.String(255)),
        sa.Column('group_id', sa.Integer,
                  sa.ForeignKey('instance_groups.id'), nullable=False),
        sa.Index('instance_group_member_instance_idx', 'instance_uuid'),
        **_MYSQL)


def upgrade():
    _aggregates()
    _server_groups()
