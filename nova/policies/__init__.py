"""Default policy rules, one module per API resource.

``list_rules`` is the ``oslo.policy.policies`` entry point (policy file
generation and ``oslopolicy-checker``) and what :mod:`nova.policy`
registers.
"""
import itertools

from nova.policies import base
from nova.policies import flavor_extra_specs
from nova.policies import flavors
from nova.policies import servers
from nova.policies import services

_MODULES = (base, flavors, flavor_extra_specs, servers, services)


def list_rules():
    return list(itertools.chain.from_iterable(
        module.list_rules() for module in _MODULES))
