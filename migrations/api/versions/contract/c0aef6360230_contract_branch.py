"""Start of the contract branch of the api tree: no schema change.

Revision ID: c0aef6360230
Revises: e05bdead892c

Every later contract migration of this tree descends from this one, so
`alembic upgrade contract@head` runs one phase only (see README.rst).
"""
revision = 'c0aef6360230'
down_revision = 'e05bdead892c'
branch_labels = ('contract',)
depends_on = None


def upgrade():
    pass
