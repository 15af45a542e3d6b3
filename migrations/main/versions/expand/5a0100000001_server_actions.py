"""The migrations table (resize) for server actions.

Revision ID: 5a0100000001
Revises: 3c0100000001

Expand branch: additive changes only (see ../../README.rst).
"""
from alembic import op
import sqlalchemy as sa

revision = '5a0100000001'
down_revision = '3c0100000001'
branch_labels = None
depends_on = None

_MYSQL = {'mysql_engine': 'InnoDB', 'mysql_charset': 'utf8mb4'}


def upgrade():
    op.create_table(
        'migrations',
        sa.Column('created_at', sa.DateTime),
        sa.Column('updated_at', sa.DateTime),
        sa.Column('deleted_at', sa.DateTime),
        sa.Column('deleted', sa.Integer, nullable=False),
        sa.Column('id', sa.Integer, primary_key=True, nullable=False),
        sa.Column('uuid', sa.String(36), nullable=False),
        sa.Column('source_compute', sa.String(255)),
        sa.Column('dest_compute', sa.String(255)),
        sa.Column('source_node', sa.String(255)),
        sa.Column('dest_node', sa.String(255)),
        sa.Column('dest_host', sa.String(255)),
        sa.Column('old_instance_type_id', sa.Integer),
        sa.Column('new_instance_type_id', sa.Integer),
        sa.Column('instance_uuid', sa.String(36),
                  sa.ForeignKey('instances.uuid')),
        sa.Column('status', sa.String(255)),
        sa.Column('migration_type', sa.String(255)),
        sa.Column('hidden', sa.Boolean),
        sa.Column('cross_cell_move', sa.Boolean),
        sa.Column('user_id', sa.String(255)),
        sa.Column('project_id', sa.String(255)),
        sa.Index('migrations_instance_uuid_and_status_idx', 'deleted',
                 'instance_uuid', 'status'),
        sa.Index('migrations_source_compute_status_idx', 'deleted',
                 'source_compute', 'status'),
        sa.Index('migrations_dest_compute_status_idx', 'deleted',
                 'dest_compute', 'status'),
        sa.Index('migrations_updated_at_idx', 'updated_at'),
        sa.UniqueConstraint('uuid', name='uniq_migrations0uuid'),
        **_MYSQL)
