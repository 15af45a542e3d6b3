"""Start of the expand branch of the main tree: no schema change.

Revision ID: bec8e21e436e
Revises: 50843a6adcd4

Every later expand migration of this tree descends from this one, so
`alembic upgrade expand@head` runs one phase only (see README.rst).
"""
revision = 'bec8e21e436e'
down_revision = '50843a6adcd4'
branch_labels = ('expand',)
depends_on = None


def upgrade():
    pass
