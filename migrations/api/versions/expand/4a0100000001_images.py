"""The built-in image store's records.

Revision ID: 4a0100000001
Revises: 3b0100000001

Expand branch: additive changes only (see ../../README.rst).
"""
from alembic import op
import sqlalchemy as sa

revision = '4a0100000001'
down_revision = '3b0100000001'
branch_labels = None
depends_on = None


def _timestamps():
    return [sa.Column('created_at', sa.DateTime()),
            sa.Column('updated_at', sa.DateTime())]


def _image_rows(table, *columns, unique):
    op.create_table(
        table,
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('image_id', sa.String(36), sa.ForeignKey('images.id'),
                  nullable=False),
        *columns, *_timestamps(),
        sa.UniqueConstraint('image_id', unique,
                            name='uniq_%s0image_id0%s' % (table, unique)))


def upgrade():
    op.create_table(
        'images',
        sa.Column('id', sa.String(36), primary_key=True),
        sa.Column('name', sa.String(255)),
        sa.Column('status', sa.String(30), nullable=False),
        sa.Column('visibility', sa.String(9), nullable=False),
        sa.Column('owner', sa.String(255)),
        sa.Column('protected', sa.Boolean(), nullable=False),
        sa.Column('os_hidden', sa.Boolean(), nullable=False),
        sa.Column('min_ram', sa.Integer(), nullable=False),
        sa.Column('min_disk', sa.Integer(), nullable=False),
        sa.Column('size', sa.BigInteger()),
        sa.Column('virtual_size', sa.BigInteger()),
        sa.Column('disk_format', sa.String(20)),
        sa.Column('container_format', sa.String(20)),
        sa.Column('checksum', sa.String(32)),
        sa.Column('os_hash_algo', sa.String(64)),
        sa.Column('os_hash_value', sa.String(128)),
        sa.Column('deleted_at', sa.DateTime()),
        *_timestamps())
    for column in ('owner', 'status', 'visibility', 'name'):
        op.create_index('images_%s_idx' % column, 'images', [column])
    _image_rows('image_properties',
                sa.Column('name', sa.String(255), nullable=False),
                sa.Column('value', sa.Text()), unique='name')
    _image_rows('image_tags',
                sa.Column('value', sa.String(255), nullable=False),
                unique='value')
    _image_rows('image_members',
                sa.Column('member', sa.String(255), nullable=False),
                sa.Column('status', sa.String(20), nullable=False),
                unique='member')
    op.create_index('image_members_member_idx', 'image_members', ['member'])
