"""What a silent or restarted service leaves behind: never a stuck server.

Each test runs a stack of its own (one stack per process at a time), so
these live apart from the modules sharing the module-scoped stack.
"""
import time

from nova import context as nova_context
from nova import embedded
from nova import objects
from tests.functional import conftest


def test_scheduler_timeout_puts_the_server_in_error(tmp_path):
    """A build whose scheduler never answers ends in ERROR with a fault
    instead of staying BUILD forever."""
    stack = conftest.Stack(tmp_path, computes=('lonely',),
                           rpc_response_timeout=1, long_rpc_timeout=1)
    try:
        api = conftest.ApiClient(stack.app)
        scheduler = [s for s in stack.services.services
                     if s.binary == 'nova-scheduler'][0]
        scheduler.stop()
        flavor = api.create_flavor()['id']
        server = api.create_server(flavor, name='orphan')
        shown = api.wait_for_status(server['id'], 'ERROR', timeout=10)
        assert 'nova-scheduler' in shown['fault']['message']
    finally:
        stack.stop()


def _crash_state(stack, server_id, vm_state, task_state):
    """Put an instance row where a crash of its compute would leave it."""
    ctx = nova_context.get_admin_context()
    mapping = objects.InstanceMapping.get_by_instance_uuid(ctx, server_id)
    with nova_context.target_cell(ctx, mapping.cell_mapping) as cctxt:
        instance = objects.Instance.get_by_uuid(cctxt, server_id)
        instance.vm_state = vm_state
        instance.task_state = task_state
        instance.save()


def test_compute_restart_finishes_or_fails_what_it_left(tmp_path):
    """On restart a compute fails a build it was running (ERROR with a
    fault, never stuck in BUILD) and finishes a delete it had started."""
    stack = conftest.Stack(tmp_path, computes=('phoenix',))
    try:
        api = conftest.ApiClient(stack.app)
        flavor = api.create_flavor()['id']
        building = api.create_server(flavor, name='interrupted')
        deleting = api.create_server(flavor, name='half-deleted')
        for server in (building, deleting):
            api.wait_for_status(server['id'], 'ACTIVE')
        compute = [s for s in stack.services.services
                   if s.binary == 'nova-compute'][0]
        compute.stop()
        stack.services.services.remove(compute)
        _crash_state(stack, building['id'], 'building', 'spawning')
        _crash_state(stack, deleting['id'], 'active', 'deleting')
        stack.services.services.append(
            embedded.start_compute(stack.conf, 'phoenix'))
        shown = api.wait_for_status(building['id'], 'ERROR', timeout=10)
        assert 'restarted' in shown['fault']['message']
        api.wait_for_gone(deleting['id'])
    finally:
        stack.stop()


def test_a_silent_compute_is_shown_down(tmp_path):
    stack = conftest.Stack(tmp_path, computes=('quiet', 'chatty'),
                           service_down_time=2)
    try:
        api = conftest.ApiClient(stack.app)
        states = {s['host']: s['state'] for s in api.get(
            '/os-services?binary=nova-compute').json['services']}
        assert states == {'quiet': 'up', 'chatty': 'up'}
        quiet = [s for s in stack.services.services if s.host == 'quiet'][0]
        quiet.stop()
        stack.services.services.remove(quiet)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            services = api.get('/os-services', microversion='2.53').json[
                'services']
            states = {s['host']: s['state'] for s in services
                      if s['binary'] == 'nova-compute'}
            if states['quiet'] == 'down':
                break
            time.sleep(0.2)
        assert states == {'quiet': 'down', 'chatty': 'up'}
        assert all(len(s['id']) == 36 for s in services)  # uuids at 2.53
        member = api.as_user('demo', 'demo')
        assert member.get('/os-services').status_int == 403
    finally:
        stack.stop()
