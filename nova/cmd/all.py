"""nova-all: API, conductor, scheduler and one compute in one process."""
from nova.cmd import common
from nova import embedded


def main():
    conf = common.prepare('nova-all', overrides=embedded.NOVA_ALL_DEFAULTS)
    stack = embedded.start(conf)
    common.wait_for_signal([stack.stop])
