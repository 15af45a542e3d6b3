"""Image members through the Image API v2 client (see nova.image.glance).
"""
from nova import exception


def _member(doc):
    return {k: doc.get(k) for k in ('image_id', 'member_id', 'status',
                                    'created_at', 'updated_at')}


class MembersMixin:
    """Member calls of GlanceBackend; ``self.request`` does the HTTP."""

    def _member_call(self, context, method, image_id, member_id=None,
                     **kwargs):
        path = '/v2/images/%s/members' % image_id
        if member_id is not None:
            path += '/%s' % member_id
        try:
            return self.request(context, method, path, image_id=image_id,
                                **kwargs)
        except exception.ImageNotFound:
            if member_id is None:
                raise
            # Tell a missing member from a missing image.
            self.get(context, image_id)
            raise exception.ImageMemberNotFound(image_id=image_id,
                                                member=member_id)

    def list_members(self, context, image_id):
        body = self._member_call(context, 'GET', image_id).json()
        return [_member(m) for m in body.get('members', ())]

    def get_member(self, context, image_id, member_id):
        return _member(self._member_call(context, 'GET', image_id,
                                         member_id).json())

    def add_member(self, context, image_id, member_id):
        return _member(self._member_call(
            context, 'POST', image_id, json={'member': member_id}).json())

    def update_member(self, context, image_id, member_id, status):
        return _member(self._member_call(
            context, 'PUT', image_id, member_id,
            json={'status': status}).json())

    def delete_member(self, context, image_id, member_id):
        self._member_call(context, 'DELETE', image_id, member_id)
