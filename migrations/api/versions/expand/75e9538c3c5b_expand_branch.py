"""Start of the expand branch of the api tree: no schema change.

Revision ID: 75e9538c3c5b
Revises: e05bdead892c

Every later expand migration of this tree descends from this one, so
`alembic upgrade expand@head` runs one phase only (see README.rst).
"""
revision = '75e9538c3c5b'
down_revision = 'e05bdead892c'
branch_labels = ('expand',)
depends_on = None


def upgrade():
    pass
