"""Entry points of the RPC daemons (conductor, scheduler, compute)."""
from nova.cmd import common
from nova import service


def _run(binary, factory):
    conf = common.prepare(binary)
    server = factory(conf)
    server.start()
    common.wait_for_signal([server.stop])


def conductor():
    _run('nova-conductor', service.conductor_service)


def scheduler():
    _run('nova-scheduler', service.scheduler_service)


def compute():
    _run('nova-compute', service.compute_service)
