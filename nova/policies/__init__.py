"""Default policy rules, one module per API resource.

``list_rules`` is the ``oslo.policy.policies`` entry point (policy file
generation and ``oslopolicy-checker``) and what :mod:`nova.policy`
registers.
"""
import itertools

from nova.policies import aggregates
from nova.policies import availability_zones
from nova.policies import base
from nova.policies import flavor_extra_specs
from nova.policies import flavors
from nova.policies import image_api
from nova.policies import images
from nova.policies import instance_actions
from nova.policies import server_actions
from nova.policies import server_groups
from nova.policies import servers
from nova.policies import services

_MODULES = (base, flavors, flavor_extra_specs, servers, services,
            server_actions, images, server_groups, aggregates,
            availability_zones, image_api, instance_actions)


def list_rules():
    return list(itertools.chain.from_iterable(
        module.list_rules() for module in _MODULES))
