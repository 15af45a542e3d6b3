"""Alembic environment of the cell database tree (see README.rst)."""
from alembic import context

from nova.db import migration
from nova.db.main import models

migration.run_env(context, models.BASE.metadata)
