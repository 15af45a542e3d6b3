"""The built-in image store's tables, in the API database.

Registered on the API schema's metadata by nova/db/api/models.py. Image data
lives in files (``[image] images_path``), never in the database; a row's
``status`` says whether its file is complete (``active``). Deleted images
keep their row with status ``deleted`` so a known image is not re-seeded.
"""
from sqlalchemy import (BigInteger, Boolean, Column, DateTime, ForeignKey,
                        Index, Integer, String, Text, UniqueConstraint)

from nova.db.api.models import BASE
from nova.db.types import TimestampMixin


class Image(BASE, TimestampMixin):
    __tablename__ = 'images'
    __table_args__ = (
        Index('images_owner_idx', 'owner'),
        Index('images_status_idx', 'status'),
        Index('images_visibility_idx', 'visibility'),
        Index('images_name_idx', 'name'),
    )
    id = Column(String(36), primary_key=True)
    name = Column(String(255))
    status = Column(String(30), nullable=False)
    visibility = Column(String(9), nullable=False)
    owner = Column(String(255))
    protected = Column(Boolean, nullable=False, default=False)
    os_hidden = Column(Boolean, nullable=False, default=False)
    min_ram = Column(Integer, nullable=False, default=0)
    min_disk = Column(Integer, nullable=False, default=0)
    size = Column(BigInteger)
    virtual_size = Column(BigInteger)
    disk_format = Column(String(20))
    container_format = Column(String(20))
    checksum = Column(String(32))
    os_hash_algo = Column(String(64))
    os_hash_value = Column(String(128))
    deleted_at = Column(DateTime)


class ImageProperty(BASE, TimestampMixin):
    __tablename__ = 'image_properties'
    __table_args__ = (
        UniqueConstraint('image_id', 'name',
                         name='uniq_image_properties0image_id0name'),
    )
    id = Column(Integer, primary_key=True)
    image_id = Column(String(36), ForeignKey('images.id'), nullable=False)
    name = Column(String(255), nullable=False)
    value = Column(Text)


class ImageTag(BASE, TimestampMixin):
    __tablename__ = 'image_tags'
    __table_args__ = (
        UniqueConstraint('image_id', 'value',
                         name='uniq_image_tags0image_id0value'),
    )
    id = Column(Integer, primary_key=True)
    image_id = Column(String(36), ForeignKey('images.id'), nullable=False)
    value = Column(String(255), nullable=False)


class ImageMember(BASE, TimestampMixin):
    __tablename__ = 'image_members'
    __table_args__ = (
        UniqueConstraint('image_id', 'member',
                         name='uniq_image_members0image_id0member'),
        Index('image_members_member_idx', 'member'),
    )
    id = Column(Integer, primary_key=True)
    image_id = Column(String(36), ForeignKey('images.id'), nullable=False)
    member = Column(String(255), nullable=False)
    status = Column(String(20), nullable=False, default='pending')
