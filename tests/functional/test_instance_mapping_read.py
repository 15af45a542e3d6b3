"""InstanceMapping.get_by_instance_uuid reads one row and takes its cell
from the process's cell cache: a cell the cache has not seen yet is read
again, and a caller changing the cell it got leaves the cache alone."""
import uuid

import pytest
import sqlalchemy as sa

from nova import context as nova_context
from nova.db.api import models as api_models
from nova.db import engines
from nova import exception
from nova import objects
from nova.objects import cell_mapping

CELLS = api_models.CellMapping.__table__
MAPPINGS = api_models.InstanceMapping.__table__


@pytest.fixture
def ctx(nova_stack):
    context = nova_context.get_admin_context()
    objects.CellMappingList.get_all_cached(context)  # a warm cache
    yield context
    # Leave no cell the stack's periodic tasks would try to reach.
    with engines.api_writer(context) as session:
        session.execute(MAPPINGS.delete().where(MAPPINGS.c.project_id == 'p1'))
        session.execute(CELLS.delete().where(CELLS.c.name.like('cell-%')))
    # As CellMapping.destroy does: SQLite may give the next cell the same id.
    cell_mapping._CACHE.forget()


def _insert_behind_the_cache(ctx, cell_name):
    """A cell and a mapping to it, written with plain SQL (as another
    process would); returns the instance uuid."""
    instance_uuid = str(uuid.uuid4())
    with engines.api_writer(ctx) as session:
        cell_id = session.execute(CELLS.insert().values(
            uuid=str(uuid.uuid4()), name=cell_name,
            transport_url='none:///', database_connection='sqlite://',
            disabled=False)).inserted_primary_key[0]
        session.execute(MAPPINGS.insert().values(
            instance_uuid=instance_uuid, cell_id=cell_id,
            project_id='p1', user_id='u1', queued_for_delete=False))
    return instance_uuid


def test_a_cell_new_to_the_cache_is_read_again(ctx):
    instance_uuid = _insert_behind_the_cache(ctx, 'cell-late')
    mapping = objects.InstanceMapping.get_by_instance_uuid(ctx, instance_uuid)
    assert mapping.cell_mapping.name == 'cell-late'
    assert (mapping.project_id, mapping.user_id,
            mapping.queued_for_delete) == ('p1', 'u1', False)


def test_the_cell_handed_out_is_a_copy(ctx):
    instance_uuid = _insert_behind_the_cache(ctx, 'cell-copy')
    mapping = objects.InstanceMapping.get_by_instance_uuid(ctx, instance_uuid)
    mapping.cell_mapping.name = 'changed by a caller'
    again = objects.InstanceMapping.get_by_instance_uuid(ctx, instance_uuid)
    assert again.cell_mapping.name == 'cell-copy'


def test_queued_for_delete_is_saved(ctx):
    instance_uuid = _insert_behind_the_cache(ctx, 'cell-save')
    mapping = objects.InstanceMapping.get_by_instance_uuid(ctx, instance_uuid)
    mapping.queued_for_delete = True
    mapping.save()
    with engines.api_reader(ctx) as session:
        assert session.execute(sa.select(MAPPINGS.c.queued_for_delete).where(
            MAPPINGS.c.instance_uuid == instance_uuid)).scalar() in (1, True)


def test_an_unknown_instance_has_no_mapping(ctx):
    with pytest.raises(exception.InstanceMappingNotFound):
        objects.InstanceMapping.get_by_instance_uuid(ctx, str(uuid.uuid4()))
