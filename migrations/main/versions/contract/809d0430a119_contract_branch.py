"""Start of the contract branch of the main tree: no schema change.

Revision ID: 809d0430a119
Revises: 50843a6adcd4

Every later contract migration of this tree descends from this one, so
`alembic upgrade contract@head` runs one phase only (see README.rst).
"""
revision = '809d0430a119'
down_revision = '50843a6adcd4'
branch_labels = ('contract',)
depends_on = None


def upgrade():
    pass
