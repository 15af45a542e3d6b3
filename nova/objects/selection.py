"""Selection: one host the scheduler chose for an instance."""
from nova.objects import base
from nova.objects import fields


@base.NovaObjectRegistry.register
class Selection(base.NovaObject):
    # Version 1.0: Initial version
    VERSION = '1.0'

    fields = {
        'compute_node_uuid': fields.UUIDField(),
        'service_host': fields.StringField(),
        'nodename': fields.StringField(),
        'cell_uuid': fields.UUIDField(),
        'limits': fields.DictOfNullableStringsField(nullable=True,
                                                     default=None),
        'allocation_request': fields.StringField(nullable=True),
        'allocation_request_version': fields.StringField(nullable=True),
    }
