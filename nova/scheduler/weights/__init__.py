"""Weighers: order the hosts that passed the filters.

Each weigher gives every host a raw value; the values are normalised to
0..1 across the hosts (so a weigher's scale does not matter), multiplied by
the weigher's ``[filter_scheduler]`` multiplier and summed. Highest first
(nova.scheduler.ranking does the arithmetic).
"""
from nova.scheduler import plugins

WEIGHERS = {
    'RAMWeigher': 'ram',
    'CPUWeigher': 'cpu',
    'DiskWeigher': 'disk',
    'IoOpsWeigher': 'io_ops',
    'NumInstancesWeigher': 'num_instances',
    'ServerGroupSoftAffinityWeigher': 'affinity',
    'ServerGroupSoftAntiAffinityWeigher': 'affinity',
    'BuildFailureWeigher': 'build_failure',
}


class BaseWeigher:
    option = None  # the multiplier's name in [filter_scheduler]

    def __init__(self, conf):
        self.conf = conf

    @property
    def name(self):
        return type(self).__name__

    def multiplier(self, request):
        return getattr(self.conf.filter_scheduler, self.option)

    def weigh(self, host, request):
        raise NotImplementedError


class UnknownWeigher(ValueError):
    pass


def load_weighers(conf, names):
    """Instances of the named weighers, in order."""
    return plugins.load(conf, names, WEIGHERS, 'nova.scheduler.weights', UnknownWeigher,
                        'weigher')
