"""NovaObject's own obj_attr_is_set, obj_what_changed and obj_to_primitive
answer exactly as oslo.versionedobjects' do (they only do it faster)."""
import pytest
from oslo_versionedobjects import base as ovo_base

from nova import objects

objects.register_all()

UUID = '11111111-1111-1111-1111-111111111111'


def _flavor(**overrides):
    values = dict(id=1, flavorid='tiny', name='tiny', memory_mb=64, vcpus=1,
                  root_gb=1, ephemeral_gb=0, swap=0, rxtx_factor=1.0,
                  vcpu_weight=0, disabled=False, is_public=True,
                  extra_specs={}, description=None)
    values.update(overrides)
    return objects.Flavor(**values)


def _instance():
    instance = objects.Instance(uuid=UUID, id=3, host='compute1',
                                flavor=_flavor(), metadata={'k': 'v'},
                                display_name='vm', locked=False)
    instance.obj_reset_changes(recursive=True)
    return instance


def _ovo_primitive(obj):
    return ovo_base.VersionedObject.obj_to_primitive(obj)


def _same_primitive(fast, slow):
    # The order of the changes list is a set's order in both.
    assert sorted(fast.pop('nova_object.changes', [])) == \
        sorted(slow.pop('nova_object.changes', []))
    assert fast == slow


def test_attr_is_set_matches_ovo():
    instance = _instance()
    for name in instance.fields:
        assert instance.obj_attr_is_set(name) == \
            ovo_base.VersionedObject.obj_attr_is_set(instance, name)
    with pytest.raises(AttributeError):
        instance.obj_attr_is_set('no_such_field')


def test_nested_change_counts_for_the_parent():
    instance = _instance()
    assert instance.obj_what_changed() == set()
    instance.flavor.memory_mb = 128
    instance.host = 'compute2'
    assert instance.obj_what_changed() == {'flavor', 'host'}
    assert instance.obj_what_changed() == \
        ovo_base.VersionedObject.obj_what_changed(instance)


@pytest.mark.parametrize('change', [
    lambda i: None,
    lambda i: setattr(i, 'host', 'compute2'),
    lambda i: setattr(i.flavor, 'vcpus', 4),
])
def test_primitive_matches_ovo(change):
    instance = _instance()
    change(instance)
    _same_primitive(instance.obj_to_primitive(), _ovo_primitive(instance))


def test_list_primitive_matches_ovo():
    listed = objects.InstanceList(objects=[_instance(), _instance()])
    _same_primitive(listed.obj_to_primitive(), _ovo_primitive(listed))


def test_primitive_round_trips():
    instance = _instance()
    instance.task_state = 'deleting'
    back = objects.Instance.obj_from_primitive(instance.obj_to_primitive())
    assert back.task_state == 'deleting'
    assert back.flavor.memory_mb == 64
    assert back.obj_what_changed() == {'task_state'}
