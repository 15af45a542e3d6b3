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


def _ovo_from_primitive(cls, primitive, monkeypatch):
    # OVO's all the way down, nested objects included.
    with monkeypatch.context() as patched:
        patched.setattr(objects.base.NovaObject, '_obj_from_primitive',
                        classmethod(ovo_base.VersionedObject
                                    ._obj_from_primitive.__func__))
        return cls.obj_from_primitive(primitive)


def _field_values(obj):
    """Every set field, nested objects as their own field values."""
    values = {}
    for name in obj.fields:
        if not obj.obj_attr_is_set(name):
            continue
        value = getattr(obj, name)
        if isinstance(value, ovo_base.VersionedObject):
            value = _field_values(value)
        elif isinstance(value, list):
            value = [_field_values(v) if isinstance(
                v, ovo_base.VersionedObject) else v for v in value]
        values[name] = value
    return values


def _full_instance():
    instance = _instance()
    instance.created_at = objects.base.now()
    instance.launched_at = None
    instance.system_metadata = {'image_os_type': 'linux', 'x': None}
    instance.vm_state = 'active'
    instance.memory_mb = 64
    instance.task_state = 'deleting'   # a change the primitive carries
    return instance


@pytest.mark.parametrize('build', [
    _full_instance,
    lambda: objects.InstanceList(objects=[_full_instance(), _instance()]),
    lambda: _flavor(extra_specs={'hw:cpu_policy': 'dedicated'}),
])
def test_from_primitive_matches_ovo(build, monkeypatch):
    primitive = build().obj_to_primitive()
    fast = type(build()).obj_from_primitive(primitive)
    slow = _ovo_from_primitive(type(fast), primitive, monkeypatch)
    assert _field_values(fast) == _field_values(slow)
    assert fast.obj_what_changed() == slow.obj_what_changed()
    assert fast.VERSION == slow.VERSION


def test_from_primitive_reads_datetimes_as_utc():
    instance = _full_instance()
    back = objects.Instance.obj_from_primitive(instance.obj_to_primitive())
    assert back.created_at == instance.created_at.replace(microsecond=0) \
        or back.created_at == instance.created_at
    assert back.created_at.utcoffset().total_seconds() == 0


def test_from_primitive_falls_back_for_unusual_text():
    # A date OVO accepts that fromisoformat does not still reads.
    primitive = _full_instance().obj_to_primitive()
    primitive['nova_object.data']['created_at'] = '2026-01-02T03:04:05 Z'
    back = objects.Instance.obj_from_primitive(primitive)
    assert (back.created_at.year, back.created_at.second) == (2026, 5)


def test_from_primitive_ignores_unknown_fields():
    primitive = _instance().obj_to_primitive()
    primitive['nova_object.data']['from_a_newer_version'] = 1
    back = objects.Instance.obj_from_primitive(primitive)
    assert not hasattr(back, '_obj_from_a_newer_version')
