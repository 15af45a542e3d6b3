"""Aggregate bodies (uuid from 2.41)."""


def body(version, aggregate, with_members=True):
    item = {
        'id': aggregate.id,
        'name': aggregate.name,
        'availability_zone': aggregate.availability_zone,
        'created_at': aggregate.created_at,
        'updated_at': aggregate.updated_at,
        'deleted_at': None,
        'deleted': False,
    }
    if with_members:
        # The create response never had these (Nova kept it that way).
        item['hosts'] = list(aggregate.hosts or ())
        item['metadata'] = dict(aggregate.metadata or {})
    if version >= (2, 41):
        item['uuid'] = aggregate.uuid
    return item


def show(req, aggregate, with_members=True):
    return {'aggregate': body(req.api_version, aggregate, with_members)}


def index(req, aggregates):
    return {'aggregates': [body(req.api_version, a) for a in aggregates]}
