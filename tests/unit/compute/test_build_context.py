"""A build runs on a pool thread: its log lines must still carry the
request's context (request id, user, project), as an RPC thread's do."""
import threading
import types
import uuid

from oslo_context import context as oslo_context

from nova.compute import build
from nova.compute import manager
from nova import context as nova_context


def test_a_pool_thread_build_logs_under_its_request(monkeypatch):
    seen = {}

    def build_and_run(context, *args, **kwargs):
        seen['current'] = oslo_context.get_current()

    monkeypatch.setattr(build, 'build_and_run', build_and_run)
    # from_dict, as the compute's RPC endpoint makes it, in another thread.
    ctx = nova_context.RequestContext.from_dict(
        nova_context.RequestContext(user_id='u', project_id='p',
                                    overwrite=False).to_dict())
    fake_manager = types.SimpleNamespace(
        _terminated={}, host='h', driver=None, tracker=None,
        compute_task_api=None, _active_writer=None)
    instance = types.SimpleNamespace(uuid=str(uuid.uuid4()))
    worker = threading.Thread(target=manager.ComputeManager._locked_build,
                              args=(fake_manager, ctx, instance, {}))
    worker.start()
    worker.join()
    assert seen['current'] is ctx
