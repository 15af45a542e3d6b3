"""/os-server-groups: list, create, show and delete server groups.

Members join a group when a server is created with the ``group``
scheduler hint (nova.compute.api); the scheduler's affinity filters and
weighers read the group from the request spec.
"""
from nova.api.compute.schemas import server_groups as schemas
from nova.api.compute.views import server_groups as views
from nova.api import validation
from nova.api import wsgi
from nova import exception
from nova import objects
from nova.policies import server_groups as policies


def _get(req, group_id, action):
    group = objects.InstanceGroup.get_by_uuid(req.context, group_id)
    req.can(policies.POLICY_ROOT % action,
            {'project_id': group.project_id, 'user_id': group.user_id})
    return group


def index(req):
    req.can(policies.POLICY_ROOT % 'index')
    schema = (schemas.QUERY_V275 if req.api_version >= (2, 75)
              else schemas.QUERY_V21)
    params = validation.validate_query(schema, req)
    max_limit = req.services.conf.api.max_limit
    limit = min(int(validation.last(params, 'limit', max_limit)), max_limit)
    offset = int(validation.last(params, 'offset', 0))
    all_projects = 'all_projects' in params and validation.to_bool(
        validation.last(params, 'all_projects')) and req.can(
        policies.POLICY_ROOT % 'index:all_projects', fatal=False)
    if all_projects:
        groups = objects.InstanceGroupList.get_all(
            req.context, limit=limit, offset=offset)
    else:
        groups = objects.InstanceGroupList.get_by_project_id(
            req.context, req.context.project_id, limit=limit, offset=offset)
    return wsgi.json_response(views.index(req, groups))


def show(req, server_group_id):
    group = _get(req, server_group_id, 'show')
    return wsgi.json_response(views.show(req, group))


def delete(req, server_group_id):
    _get(req, server_group_id, 'delete').destroy()
    return wsgi.empty_response(204)


def create(req):
    context = req.context
    req.can(policies.POLICY_ROOT % 'create')
    body = req.json_body()
    validation.validate(schemas.create(req.api_version), body)
    values = body['server_group']
    if req.api_version >= (2, 64):
        policy = values['policy']
        rules = values.get('rules') or {}
        if rules and policy != 'anti-affinity':
            raise exception.Invalid(
                'Only anti-affinity policy supports rules.')
    else:
        policy, rules = values['policies'][0], {}
    group = objects.InstanceGroup(
        context, name=values['name'], policy=policy,
        rules={k: str(int(v)) for k, v in rules.items()},
        project_id=context.project_id, user_id=context.user_id, members=[])
    group.create()
    return wsgi.json_response(views.show(req, group))
