"""Column types and mixins shared by the API and cell schemas."""
import datetime

from sqlalchemy import Column, DateTime, Integer, Text
from sqlalchemy.dialects import mysql


def MediumText():
    """Text that holds serialized objects (MEDIUMTEXT on MySQL)."""
    return Text().with_variant(mysql.MEDIUMTEXT(), 'mysql')


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


class TimestampMixin:
    created_at = Column(DateTime, default=utcnow)
    updated_at = Column(DateTime, onupdate=utcnow)


class SoftDeleteMixin:
    """Rows are marked deleted (``deleted`` = own id) and purged later."""
    deleted_at = Column(DateTime)
    deleted = Column(Integer, default=0, nullable=False)
