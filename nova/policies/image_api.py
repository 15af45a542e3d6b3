"""Policies of the Image API v2 (/image, nova-image-api).

Roles decide what a caller may do at all (readers read, members also
write); which images a caller sees and may change (visibility, ownership,
membership) is the image store's rule, as the Image API has it, and is
enforced there. Publishing an image is an admin's.
"""
from oslo_policy import policy

from nova.policies import base

PREFIX = 'image:%s'
READER = base.PROJECT_READER_OR_ADMIN
MEMBER = base.PROJECT_MEMBER_OR_ADMIN

_IMAGES = '/image/v2/images'
_ONE = _IMAGES + '/{image_id}'
_MEMBERS = _ONE + '/members'

_RULES = [
    ('get_images', READER, 'List images.', 'GET', _IMAGES),
    ('get_image', READER, 'Show an image.', 'GET', _ONE),
    ('download_image', READER, "Download an image's data.", 'GET',
     _ONE + '/file'),
    ('add_image', MEMBER, 'Create an image.', 'POST', _IMAGES),
    ('modify_image', MEMBER, 'Update an image or its tags.', 'PATCH', _ONE),
    ('upload_image', MEMBER, "Upload an image's data.", 'PUT',
     _ONE + '/file'),
    ('delete_image', MEMBER, 'Delete an image.', 'DELETE', _ONE),
    ('deactivate', base.ADMIN, 'Deactivate an image.', 'POST',
     _ONE + '/actions/deactivate'),
    ('reactivate', base.ADMIN, 'Reactivate an image.', 'POST',
     _ONE + '/actions/reactivate'),
    ('get_members', READER, "List an image's members.", 'GET', _MEMBERS),
    ('get_member', READER, 'Show an image member.', 'GET',
     _MEMBERS + '/{member_id}'),
    ('add_member', MEMBER, 'Share an image with a project.', 'POST',
     _MEMBERS),
    ('modify_member', MEMBER, 'Accept or reject a shared image.', 'PUT',
     _MEMBERS + '/{member_id}'),
    ('delete_member', MEMBER, 'Stop sharing an image with a project.',
     'DELETE', _MEMBERS + '/{member_id}'),
]

rules = [
    policy.DocumentedRuleDefault(
        name=PREFIX % name, check_str=check, description=description,
        operations=[{'method': method, 'path': path}],
        scope_types=['project'])
    for name, check, description, method, path in _RULES
]


def list_rules():
    return rules
