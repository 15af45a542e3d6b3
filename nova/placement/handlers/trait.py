"""/traits, /traits/{name} and /resource_providers/{uuid}/traits."""
import re

from nova import exception
from nova.placement import query
from nova.placement.schemas import trait as schema
from nova.placement.store import providers as rp_store
from nova.placement.store import traits as trait_store
from nova.placement import wsgi


class InvalidTraitName(exception.Invalid):
    msg_fmt = ('The trait is invalid. A valid trait must be no longer than '
               '255 characters, start with the prefix "CUSTOM_" and use '
               'following characters: "A"-"Z", "0"-"9" and "_"')


def _name_filter(value):
    if value is None:
        return {}
    if value.startswith('startswith:'):
        return {'prefix': value[len('startswith:'):]}
    if value.startswith('in:'):
        return {'in_names': [n.strip() for n in value[3:].split(',')]}
    raise exception.PlacementQueryError(
        reason="Badly formatted name parameter. Expected name query string "
               "parameter in form: ?name=[in|startswith]:[name1,name2|"
               "prefix]. Got: \"%s\"" % value,
        error_code=query.BAD_VALUE)


def _associated(value):
    if value is None:
        return None
    if value.lower() not in ('true', 'false'):
        raise exception.PlacementQueryError(
            reason="Invalid query string parameters: 'associated' must be "
                   "'true' or 'false'. Got: %s" % value,
            error_code=query.BAD_VALUE)
    return value.lower() == 'true'


def list_traits(req):
    req.can('placement:traits:list')
    query.check_keys(req, ('name', 'associated'))
    filters = _name_filter(query.single(req, 'name'))
    filters['associated'] = _associated(query.single(req, 'associated'))
    names = req.read(lambda s: trait_store.list_names(s, **filters))
    return wsgi.json_response(req, {'traits': names})


def show_trait(req, name):
    req.can('placement:traits:show')
    if not req.read(lambda s: trait_store.exists(s, name)):
        raise exception.TraitNotFound(names=name)
    return wsgi.no_content()


def create_trait(req, name):
    req.can('placement:traits:update')
    if len(name) > 255 or not re.match(schema.CUSTOM_TRAIT, name):
        raise InvalidTraitName()
    created = req.write(lambda s: trait_store.create(s, name))
    resp = wsgi.no_content(201 if created else 204)
    resp.location = req.url('/traits/%s' % name)
    return resp


def delete_trait(req, name):
    req.can('placement:traits:delete')
    req.write(lambda s: trait_store.delete(s, name))
    return wsgi.no_content()


def _provider_view(req, provider, names):
    return wsgi.json_response(req, {
        'traits': sorted(names),
        'resource_provider_generation': provider['generation']},
        last_modified=wsgi.latest(provider))


def list_provider_traits(req, uuid):
    req.can('placement:resource_providers:traits:list')

    def read(session):
        provider = rp_store.get_or_raise(session, uuid)
        return provider, trait_store.of_provider(session, provider['id'])
    return _provider_view(req, *req.read(read))


def _replace(req, uuid, names, generation=None):
    def write(session):
        provider = rp_store.get_or_raise(session, uuid)
        if generation is not None:
            rp_store.check_generation(provider, generation)
        try:
            changed = trait_store.replace(session, provider['id'], names)
        except exception.TraitNotFound as e:
            raise exception.Invalid(reason=e.format_message())
        if changed:
            rp_store.bump_generation(session, provider)
        return provider
    return req.write(write)


def replace_provider_traits(req, uuid):
    req.can('placement:resource_providers:traits:update')
    body = req.validated_body(schema.PUT_PROVIDER_TRAITS)
    provider = _replace(req, uuid, body['traits'],
                        body['resource_provider_generation'])
    return _provider_view(req, provider, body['traits'])


def delete_provider_traits(req, uuid):
    req.can('placement:resource_providers:traits:delete')
    _replace(req, uuid, [])
    return wsgi.no_content()
