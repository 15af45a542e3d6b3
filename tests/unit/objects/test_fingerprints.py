"""Wire formats cannot change silently.

Every versioned object's fields and remotable methods are fingerprinted;
changing one without bumping VERSION (and updating the hash here) fails.
"""
from oslo_versionedobjects import fixture

from nova import objects
from nova.objects import base

EXPECTED = {
    'Aggregate': '1.0-f315cb68906307ca2d1cca84d4753585',
    'AggregateList': '1.0-3ea55a050354e72ef3306adefa553957',
    'BuildRequest': '1.0-557c027854f93397e79768a4601f4ed4',
    'BuildRequestList': '1.0-3a308e9217817025bd4b25df0c8f0704',
    'CellMapping': '1.0-5d652928000a5bc369d79d5bde7e497d',
    'CellMappingList': '1.0-4ee0d9efdfd681fed822da88376e04d2',
    'ComputeNode': '1.0-cc6e50238a890bd6141a1b627776112c',
    'ComputeNodeList': '1.0-2869e5881bb3692cefc9723beaeb30f7',
    'Flavor': '1.0-62fa4f7acca9a6c468df088b081dd5e5',
    'FlavorList': '1.0-52b5928600e7ca973aa4fc1e46f3934c',
    'HostMapping': '1.0-1441319dc4ad0abbfff131ba1fd81661',
    'HostMappingList': '1.0-cf01bf3d4d6617f76e98ff61c519a8f5',
    'Instance': '1.1-2b52f20c608b2f86aacee9da41d5be76',
    'InstanceAction': '1.0-2f328d8b27ce8c599ae01994a6c6e4f8',
    'InstanceActionEvent': '1.0-5f2df30188e19a6489639294e150e0ef',
    'InstanceActionEventList': '1.0-13d92fb953030cdbfee56481756e02be',
    'InstanceActionList': '1.0-4a53826625cc280e15fae64a575e0879',
    'InstanceFault': '1.0-457c488785a6a4909c34e090f035f195',
    'InstanceGroup': '1.0-eaf89747d7c0aa3a72a9f433521fc674',
    'InstanceGroupList': '1.0-aed525fb6680d6218a663eabef731896',
    'InstanceList': '1.0-210fcea87f2bf62052c99cc087486c8a',
    'InstanceMapping': '1.0-bc82537ca278eb17e11f7a89ad170984',
    'InstanceMappingList': '1.0-be882bb768f766aa9d1250623d258d7a',
    'Migration': '1.0-f0dad8c9f752eb70b369b0fd0211ea76',
    'MigrationList': '1.0-2ac84057d8d16588f1c84f04b239de02',
    'RequestSpec': '1.1-45c414a126eccc96b47ac39d77931f21',
    'Selection': '1.0-04eab45c9e5a6402f333b7c4f51c9757',
    'Service': '1.0-0f27b0bd30e5eda38c06bc2436f8095f',
    'ServiceList': '1.0-f6621975c20e5805eb2b67dec3679efc',
}


def test_object_fingerprints_match_versions():
    objects.register_all()
    checker = fixture.ObjectVersionChecker(
        base.NovaObjectRegistry.obj_classes())
    expected, actual = checker.test_hashes(EXPECTED)
    assert expected == actual, (
        'Objects changed; bump VERSION and update EXPECTED for: %s'
        % sorted(set(expected) ^ set(actual) | {
            k for k in expected if expected.get(k) != actual.get(k)}))


def test_every_object_relationship_is_registered():
    objects.register_all()
    checker = fixture.ObjectVersionChecker(
        base.NovaObjectRegistry.obj_classes())
    tree = checker.get_dependency_tree()
    registered = set(base.NovaObjectRegistry.obj_classes())
    for name, deps in tree.items():
        assert set(deps) <= registered, name
