"""Listing instances across every cell and the build requests.

One query per cell (plus one for build requests), merged in memory by the
requested sort; paging by marker works across cells because the marker's
sort values, not its row id, bound each cell's query.
"""
import datetime

from nova import context as nova_context
from nova.db.main import instances as db
from nova.db import engines
from nova import exception
from nova import objects
from nova.objects import base as objects_base

_STATUS_FILTERS = ('vm_state', 'task_state')


def _marker_values(context, marker, cells, build_instances):
    for instance in build_instances:
        if instance.uuid == marker:
            return {k: getattr(instance, k, None) if instance.obj_attr_is_set(
                k) else None for k in db.INSTANCE_COLUMNS}
    for cell in cells:
        with nova_context.target_cell(context, cell) as cctxt:
            with engines.main_reader(cctxt) as session:
                values = db.get_marker_values(session.connection(), marker)
        if values is not None:
            return values
    raise exception.MarkerNotFound(marker=marker)


def _build_request_instances(context, filters):
    project = filters.get('project_id')
    requests = objects.BuildRequestList.get_by_filters(
        context, project_id=project)
    result = []
    for req in requests:
        instance = req.instance
        if not _matches(instance, filters):
            continue
        result.append(instance)
    return result


def _matches(instance, filters):
    """Filters on in-memory instances (build requests are few)."""
    for key, wanted in filters.items():
        if key in ('project_id', 'changes-since', 'changes-before'):
            continue
        if key == 'name':
            if not db.name_matches(wanted, instance.display_name):
                return False
            continue
        value = getattr(instance, key, None) if key in instance.fields \
            and instance.obj_attr_is_set(key) else None
        if isinstance(wanted, (list, tuple, set)):
            if value not in wanted:
                return False
        elif value != wanted:
            return False
    return True


def _sort_value(value):
    # None sorts first; datetimes compare naive.
    if isinstance(value, datetime.datetime):
        value = objects_base.naive(value)
    return (value is not None, value if value is not None else 0)


def _merge(instances, sort_keys, sort_dirs):
    # Stable multi-pass sort, least significant key first.
    keys = list(sort_keys) + ['uuid']
    dirs = list(sort_dirs) + ['desc']
    for key, direction in reversed(list(zip(keys, dirs))):
        # The stored value (None when unset), without OVO's getter.
        instances.sort(key=lambda i, a='_obj_' + key: _sort_value(
            i.__dict__.get(a)), reverse=(direction == 'desc'))
    return instances


def get_all(context, filters, limit=None, marker=None,
            sort_keys=('created_at',), sort_dirs=('desc',),
            expected_attrs=(), load_only=None):
    """load_only: the instance fields the caller reads (every field when
    None); see InstanceList.get_listing."""
    cells = objects.CellMappingList.get_all_cached(context)
    build_instances = []
    if not filters.get('deleted') and filters.get('host') is None:
        build_instances = _build_request_instances(context, filters)
    marker_values = None
    if marker is not None:
        marker_values = _marker_values(context, marker, cells,
                                       build_instances)
        build_instances = _after(build_instances, marker_values,
                                 sort_keys, sort_dirs)
    found = list(build_instances)
    sorted_cells = 0
    for cell in cells:
        with nova_context.target_cell(context, cell) as cctxt:
            cell_list = objects.InstanceList.get_listing(
                cctxt, filters, load_only=load_only, limit=limit,
                marker=marker_values, expected_attrs=expected_attrs,
                sort_keys=sort_keys, sort_dirs=sort_dirs)
        if cell_list.objects:
            sorted_cells += 1
        found.extend(cell_list.objects)
    # An instance being moved into its cell can briefly be both a build
    # request and a cell row: show the cell's copy once.
    in_cells = {i.uuid for i in found[len(build_instances):]}
    unsorted = [i for i in found[:len(build_instances)]
                if i.uuid not in in_cells]
    found = unsorted + found[len(build_instances):]
    # One cell's rows are in its database's order already (the one its
    # keyset paging follows): only build requests or several cells need a
    # merge.
    merged = _merge(found, sort_keys, sort_dirs) \
        if unsorted or sorted_cells > 1 else found
    if limit is not None:
        merged = merged[:limit]
    return objects.InstanceList.of(context, merged)


def _after(instances, marker_values, sort_keys, sort_dirs):
    """Build-request instances that sort strictly after the marker."""
    keys = list(sort_keys) + ['uuid']
    dirs = list(sort_dirs) + ['desc']
    marker_key = [_sort_value(marker_values.get(k)) for k in keys]

    def after(instance):
        for key, direction, mark in zip(keys, dirs, marker_key):
            value = _sort_value(getattr(instance, key)
                                if instance.obj_attr_is_set(key) else None)
            if value == mark:
                continue
            return value > mark if direction == 'asc' else value < mark
        return False
    return [i for i in instances if after(i)]
