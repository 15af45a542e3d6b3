"""Alembic environment of the API database tree (see README.rst)."""
from alembic import context

from nova.db import migration
from nova.db.api import models

migration.run_env(context, models.BASE.metadata)
