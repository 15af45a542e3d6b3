"""Creates the conductor builds as one batch reach each compute host in
one cast, and every build still acts for its own API request.

The whole in-process stack with the fake driver; the batch is made by
holding the conductor's build queue until both creates are queued (a
wrapper around the real method, never a replacement).
"""
import pytest

from nova.compute import rpcapi as compute_rpcapi
from nova.conductor import build as conductor_build
from nova.virt import fake
from tests.functional import conftest
from tests.functional import queue_holds


@pytest.fixture
def flavor(nova_api):
    return nova_api.create_flavor()['id']


@pytest.fixture
def one_batch(monkeypatch, nova_stack):
    """The next two creates are built as one batch."""
    queue_holds.hold_next_batch(monkeypatch, conductor_build.BuildQueue, 2)


@pytest.fixture
def spawned(monkeypatch):
    """{instance uuid: (project, request id) of the context it spawned
    with, and of the instance's own context}."""
    seen = {}
    original = fake.FakeDriver.spawn

    def spawn(self, context, instance, image_meta):
        seen[instance.uuid] = ((context.project_id, context.request_id),
                               (instance._context.project_id,
                                instance._context.request_id),
                               image_meta['id'])
        return original(self, context, instance, image_meta)
    monkeypatch.setattr(fake.FakeDriver, 'spawn', spawn)
    return seen


@pytest.fixture
def casts(monkeypatch):
    """(host, [instance uuid, ...]) of every batched build cast."""
    sent = []
    original = compute_rpcapi.ComputeAPI.build_and_run_instances

    def recorded(self, context, host, builds):
        sent.append((host, [b[1].uuid for b in builds]))
        return original(self, context, host, builds)
    monkeypatch.setattr(compute_rpcapi.ComputeAPI,
                        'build_and_run_instances', recorded)
    return sent


def test_a_batch_keeps_each_request_and_casts_once_per_host(
        one_batch, nova_api, flavor, spawned, casts):
    alice = nova_api.as_user('alice', 'project-a')
    bob = nova_api.as_user('bob', 'project-b')
    created = {alice.create_server(flavor, name='a')['id']: 'project-a',
               bob.create_server(flavor, name='b')['id']: 'project-b'}
    for server_id in created:
        nova_api.wait_for_status(server_id, 'ACTIVE')
    hosts = {}
    for host, uuids in casts:
        for uuid in uuids:
            hosts[uuid] = host
    assert set(hosts) == set(created)
    # One cast per host the batch went to, whatever the requests.
    assert len(casts) == len(set(hosts.values()))
    request_ids = set()
    for server_id, project in created.items():
        context, instance_context, image = spawned[server_id]
        assert context == instance_context
        assert context[0] == project
        request_ids.add(context[1])
        assert image == conftest.IMAGE_ID
    assert len(request_ids) == 2
