"""Server group bodies: ``policies`` and ``metadata`` before 2.64,
``policy`` and ``rules`` from 2.64; project_id and user_id from 2.13."""
from nova.objects import instance_group


def live_members(context, groups):
    """{group uuid: [members that still are servers]}, in one query.

    Deleted servers are dropped from groups on delete; this also hides a
    member whose server is on its way out (queued for delete).
    """
    uuids = {m for g in groups for m in g.members or ()}
    if not uuids:
        return {g.uuid: [] for g in groups}
    live = instance_group.live_instances(context, uuids)
    return {g.uuid: [m for m in g.members or () if m in live]
            for g in groups}


def _rules(group):
    rules = {}
    for key, value in (group.rules or {}).items():
        rules[key] = int(value) if key == 'max_server_per_host' else value
    return rules


def body(version, group, members):
    item = {'id': group.uuid, 'name': group.name, 'members': members}
    if version >= (2, 64):
        item['policy'] = group.policy
        item['rules'] = _rules(group)
    else:
        item['policies'] = list(group.policies or ())
        item['metadata'] = {}
    if version >= (2, 13):
        item['project_id'] = group.project_id
        item['user_id'] = group.user_id
    return item


def show(req, group):
    members = live_members(req.context, [group])[group.uuid]
    return {'server_group': body(req.api_version, group, members)}


def index(req, groups):
    members = live_members(req.context, groups)
    return {'server_groups': [body(req.api_version, g, members[g.uuid])
                              for g in groups]}
