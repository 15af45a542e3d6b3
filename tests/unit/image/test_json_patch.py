"""Applying the Image API's JSON-patch changes to an image."""
import pytest

from nova.api.image import json_patch
from nova import exception

IMAGE = {'id': 'i', 'name': 'n', 'properties': {'a': '1', 'b': '2'}}


def test_changes_become_values_and_removals():
    values, removed = json_patch.apply(IMAGE, [
        ('replace', 'name', 'new'), ('add', 'c', '3'), ('replace', 'a', '9'),
        ('remove', 'b', None), ('add', 'tags', ['x'])])
    assert values == {'name': 'new', 'tags': ['x'],
                      'properties': {'c': '3', 'a': '9'}}
    assert removed == ('b',)


def test_a_property_removed_then_added_is_kept():
    values, removed = json_patch.apply(IMAGE, [('remove', 'a', None),
                                               ('add', 'a', 'back')])
    assert values['properties'] == {'a': 'back'} and removed == ()


def test_unchanged_properties_are_not_rewritten():
    values, _ = json_patch.apply(IMAGE, [('add', 'a', '1')])
    assert values['properties'] == {}


@pytest.mark.parametrize('change, error', [
    (('replace', 'zz', 'x'), exception.Conflict),
    (('remove', 'zz', None), exception.Conflict),
    (('remove', 'name', None), exception.Forbidden),
    (('replace', 'status', 'x'), exception.ImageAttributeReadOnly),
    (('add', 'deleted', 'x'), exception.ImageAttributeReserved),
])
def test_refused_changes(change, error):
    with pytest.raises(error):
        json_patch.apply(IMAGE, [change])
