"""Policies of createImage (server snapshots).

The image proxy (/images) has no policy of its own, as in Nova: the image
service decides who may see, change or delete an image.
"""
from oslo_policy import policy

from nova.policies import base

CREATE_IMAGE = 'os_compute_api:servers:create_image'

rules = [
    policy.DocumentedRuleDefault(
        name=CREATE_IMAGE, check_str=base.PROJECT_MEMBER_OR_ADMIN,
        description='Create an image from a server (createImage).',
        operations=[{'method': 'POST',
                     'path': '/servers/{server_id}/action (createImage)'}],
        scope_types=['project']),
]


def list_rules():
    return rules
