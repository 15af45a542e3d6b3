"""Who may see and change an image of the built-in store.

The rules of the Image API v2: an admin sees and changes everything; others
see public and community images, their project's own, and shared images
their project is a member of (whatever the member status); only the owner
changes an image. An image the caller cannot see is "not found", never
"forbidden", so its existence does not leak.
"""
from nova import exception


def is_admin(context):
    return bool(context.is_admin)


def can_see(context, image, member_status):
    if is_admin(context) or image['visibility'] in ('public', 'community'):
        return True
    if image['owner'] is not None and image['owner'] == context.project_id:
        return True
    return image['visibility'] == 'shared' and member_status is not None


def owns(context, image):
    return is_admin(context) or (image['owner'] is not None and
                                 image['owner'] == context.project_id)


def check_owner(context, image, action):
    if not owns(context, image):
        raise exception.ImageForbidden(action=action, image_id=image['id'])


def check_values(context, image, core):
    """403 for changes only an admin may make, or only to queued images."""
    if core.get('visibility') == 'public' and not is_admin(context) and \
            (image is None or image['visibility'] != 'public'):
        raise exception.ImageForbidden(action='publicize',
                                       image_id=image and image['id'])
    if 'owner' in core and not is_admin(context) and \
            core['owner'] != (image['owner'] if image else
                              context.project_id):
        raise exception.ImageForbidden(action='change the owner of',
                                       image_id=image and image['id'])
    if image is None or image['status'] == 'queued':
        return
    for name in ('disk_format', 'container_format'):
        if name in core and core[name] != image[name]:
            raise exception.Forbidden(
                '%s can be changed only while the image is queued.' % name)
