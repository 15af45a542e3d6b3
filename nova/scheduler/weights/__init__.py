"""Weighers: order the hosts that passed the filters.

Each weigher gives every host a raw value; the values are normalised to
0..1 across the hosts (so a weigher's scale does not matter), multiplied by
the weigher's ``[filter_scheduler]`` multiplier and summed. Highest first
(nova.scheduler.ranking does the arithmetic).
"""
import importlib

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
    result = []
    for name in names:
        module = WEIGHERS.get(name)
        if module is None:
            raise UnknownWeigher('Unknown scheduler weigher %r; known: %s'
                                 % (name, ', '.join(sorted(WEIGHERS))))
        mod = importlib.import_module('nova.scheduler.weights.' + module)
        result.append(getattr(mod, name)(conf))
    return result
