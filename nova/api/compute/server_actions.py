"""POST /servers/{server_id}/action: the lifecycle actions of a server.

The body names one action (``{"reboot": {"type": "SOFT"}}``); ACTIONS maps
the name to its handler, body schema, policy rule and first microversion.
A handler gets the request, the instance and the validated body and makes
one call to ``compute.api.API``. Whether the instance's state allows the
action is the state table's business (nova.compute.states: 409
conflictingRequest "Cannot '<action>' instance <uuid> while it is in
vm_state <state>").

Another module adds its action with a row here (createImage); a row whose
schema or rule is None leaves validation or authorization to the handler.
"""
import collections
import re
import secrets
import string

from nova.api.compute import create_image
from nova.api.compute.schemas import images as image_schemas
from nova.api.compute.schemas import server_actions as schemas
from nova.api import microversion
from nova.api import validation
from nova.api import wsgi
from nova import exception
from nova import objects
from nova.policies import images as image_policies
from nova.policies import server_actions as policies

Action = collections.namedtuple('Action',
                                'handler schema rule min_version')

# ANSI colour escapes a guest may print: not for a JSON body.
_ESCAPES = re.compile(r'\x1b\[[0-9;]*[a-zA-Z]')
_CONTROL = re.compile('[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]')
# Unambiguous characters for generated rescue passwords.
_PASSWORD_CHARS = ''.join(c for c in string.ascii_letters + string.digits
                          if c not in 'lI1O0')


def action(req, server_id):
    body = req.json_body()
    if not isinstance(body, dict) or len(body) != 1:
        raise wsgi.MalformedBody(
            reason='the body must name exactly one action')
    name = next(iter(body))
    entry = ACTIONS.get(name)
    if entry is None or req.api_version < entry.min_version:
        raise exception.Invalid('There is no such action: %s' % name)
    if entry.schema is not None:
        validation.validate(entry.schema, body)
    compute_api = req.services.compute_api
    instance = compute_api.get(req.context, server_id)
    if entry.rule is not None:
        req.can(entry.rule, {'project_id': instance.project_id,
                             'user_id': instance.user_id})
    return entry.handler(req, instance, body)


def _accepted():
    return wsgi.empty_response(202)


def reboot(req, instance, body):
    req.services.compute_api.reboot(req.context, instance,
                                    body['reboot']['type'].upper())
    return _accepted()


def stop(req, instance, body):
    req.services.compute_api.stop(req.context, instance)
    return _accepted()


def start(req, instance, body):
    req.services.compute_api.start(req.context, instance)
    return _accepted()


def pause(req, instance, body):
    req.services.compute_api.pause(req.context, instance)
    return _accepted()


def unpause(req, instance, body):
    req.services.compute_api.unpause(req.context, instance)
    return _accepted()


def suspend(req, instance, body):
    req.services.compute_api.suspend(req.context, instance)
    return _accepted()


def resume(req, instance, body):
    req.services.compute_api.resume(req.context, instance)
    return _accepted()


def resize(req, instance, body):
    flavor_ref = str(body['resize']['flavorRef'])
    flavor_id = flavor_ref.rstrip('/').rsplit('/', 1)[-1]
    try:
        flavor = objects.Flavor.get_by_flavor_id(req.context, flavor_id)
    except exception.FlavorNotFound:
        flavor = None
    if flavor is None:
        raise exception.Invalid('Unable to locate requested flavor.')
    req.services.compute_api.resize(req.context, instance, flavor)
    return _accepted()


def confirm_resize(req, instance, body):
    req.services.compute_api.confirm_resize(req.context, instance)
    return wsgi.empty_response(204)


def revert_resize(req, instance, body):
    req.services.compute_api.revert_resize(req.context, instance)
    return _accepted()


def rescue(req, instance, body):
    args = body['rescue'] or {}
    password = args.get('adminPass') or _generate_password()
    req.services.compute_api.rescue(
        req.context, instance, rescue_password=password,
        rescue_image_ref=args.get('rescue_image_ref'))
    return wsgi.json_response({'adminPass': password})


def _generate_password():
    return ''.join(secrets.choice(_PASSWORD_CHARS) for _ in range(12))


def unrescue(req, instance, body):
    req.services.compute_api.unrescue(req.context, instance)
    return _accepted()


def console_output(req, instance, body):
    length = (body['os-getConsoleOutput'] or {}).get('length')
    length = None if length is None else int(length)
    if length == -1:
        length = None  # -1: the whole log
    output = req.services.compute_api.get_console_output(
        req.context, instance, tail_length=length)
    output = _CONTROL.sub('', _ESCAPES.sub('', output))
    return wsgi.json_response({'output': output})


_MIN = microversion.MIN_VERSION

ACTIONS = {
    'reboot': Action(reboot, schemas.REBOOT, policies.REBOOT, _MIN),
    'os-stop': Action(stop, schemas.no_arguments('os-stop'), policies.STOP,
                      _MIN),
    'os-start': Action(start, schemas.no_arguments('os-start'),
                       policies.START, _MIN),
    'pause': Action(pause, schemas.no_arguments('pause'), policies.PAUSE,
                    _MIN),
    'unpause': Action(unpause, schemas.no_arguments('unpause'),
                      policies.UNPAUSE, _MIN),
    'suspend': Action(suspend, schemas.no_arguments('suspend'),
                      policies.SUSPEND, _MIN),
    'resume': Action(resume, schemas.no_arguments('resume'),
                     policies.RESUME, _MIN),
    'resize': Action(resize, schemas.RESIZE, policies.RESIZE, _MIN),
    'confirmResize': Action(confirm_resize,
                            schemas.no_arguments('confirmResize'),
                            policies.CONFIRM_RESIZE, _MIN),
    'revertResize': Action(revert_resize,
                           schemas.no_arguments('revertResize'),
                           policies.REVERT_RESIZE, _MIN),
    'rescue': Action(rescue, schemas.RESCUE, policies.RESCUE, _MIN),
    'unrescue': Action(unrescue, schemas.no_arguments('unrescue'),
                       policies.UNRESCUE, _MIN),
    'os-getConsoleOutput': Action(console_output, schemas.CONSOLE_OUTPUT,
                                  policies.CONSOLE_OUTPUT, _MIN),
    'createImage': Action(create_image.create_image,
                          image_schemas.CREATE_IMAGE,
                          image_policies.CREATE_IMAGE, _MIN),
}
