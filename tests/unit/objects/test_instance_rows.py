"""Instance._from_db_object fills what a row has, as OVO's coercion would,
and leaves the rest unset (a list reads only some columns)."""
import datetime

from oslo_serialization import jsonutils

from nova import objects
from nova.objects import instance as instance_obj

objects.register_all()

UUID = '11111111-1111-1111-1111-111111111111'
CREATED = datetime.datetime(2024, 5, 6, 7, 8, 9, 123456)
FLAVOR = jsonutils.dumps({'cur': objects.Flavor(
    id=1, flavorid='tiny', name='tiny', memory_mb=64, vcpus=1, root_gb=1,
    ephemeral_gb=0, swap=0, rxtx_factor=1.0, vcpu_weight=0, disabled=False,
    is_public=True, extra_specs={}, description=None).obj_to_primitive()})


def _row(**values):
    return dict({'uuid': UUID, 'vm_state': 'active', 'display_name': 'vm',
                 'created_at': CREATED, 'launched_at': None, 'locked': None,
                 'flavor': FLAVOR}, **values)


def _load(row, flavors=None):
    return objects.Instance._from_db_object(None, objects.Instance(), row,
                                            flavors=flavors)


def test_only_the_row_s_fields_are_set():
    instance = _load(_row())
    assert {n for n in instance.fields if instance.obj_attr_is_set(n)} == {
        'uuid', 'vm_state', 'display_name', 'created_at', 'launched_at',
        'locked', 'flavor', 'old_flavor', 'new_flavor'}
    assert instance.obj_what_changed() == set()


def test_values_as_coercion_makes_them():
    instance = _load(_row(deleted=3))
    coerced = objects.Instance(created_at=CREATED, locked=False,
                               deleted=True)
    assert instance.created_at == coerced.created_at
    assert instance.created_at.tzinfo == datetime.timezone.utc
    assert instance.launched_at is None
    assert instance.locked is False and instance.deleted is True
    assert instance.flavor.memory_mb == 64 and instance.old_flavor is None


def test_instances_of_one_list_share_a_flavor():
    flavors = {}
    first, second = (_load(_row(), flavors) for _ in range(2))
    assert first.flavor is second.flavor


def test_a_list_of_built_instances_keeps_them():
    instances = [_load(_row()), _load(_row(uuid=UUID.replace('1', '2')))]
    listed = instance_obj.InstanceList.of(None, instances)
    assert list(listed) == instances
    assert listed.obj_what_changed() == set()
