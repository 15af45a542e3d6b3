"""Cell schema changes for scheduling (if any).

Revision ID: 3c0100000001
Revises: bec8e21e436e

Expand branch: additive changes only (see ../../README.rst).
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = '3c0100000001'
down_revision = 'bec8e21e436e'
branch_labels = None
depends_on = None


def upgrade():
    pass  # scheduler helper fills this, if the cell schema needs a change
