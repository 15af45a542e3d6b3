"""Flavor bodies. What depends on the request (links, microversion,
whether extra specs may be shown) is decided once in ``__init__``."""
from nova.api.compute.views import links as links_view
from nova.api.compute.views.links import collection_links
from nova.policies import flavor_extra_specs as fes_policies

COLLECTION = 'flavors'


class FlavorView:
    def __init__(self, req):
        self.req = req
        self.links = links_view.Links(req)
        version = req.api_version
        self.with_description = version >= (2, 55)
        self.swap_as_empty_string = version < (2, 75)
        self.with_extra_specs = version >= (2, 61) and req.can(
            fes_policies.POLICY_ROOT % 'index', fatal=False)

    def basic(self, flavor):
        body = {'id': flavor.flavorid, 'name': flavor.name,
                'links': self.links.pair(COLLECTION, flavor.flavorid)}
        if self.with_description:
            body['description'] = flavor.description
        return body

    def detail(self, flavor):
        swap = flavor.swap
        if not swap and self.swap_as_empty_string:
            swap = ''
        body = {
            'id': flavor.flavorid,
            'name': flavor.name,
            'ram': flavor.memory_mb,
            'disk': flavor.root_gb,
            'vcpus': flavor.vcpus,
            'swap': swap,
            'rxtx_factor': flavor.rxtx_factor,
            'OS-FLV-EXT-DATA:ephemeral': flavor.ephemeral_gb,
            'OS-FLV-DISABLED:disabled': flavor.disabled,
            'os-flavor-access:is_public': flavor.is_public,
            'links': self.links.pair(COLLECTION, flavor.flavorid),
        }
        if self.with_description:
            body['description'] = flavor.description
        if self.with_extra_specs:
            body['extra_specs'] = dict(flavor.extra_specs)
        return body

    def show(self, flavor):
        return {'flavor': self.detail(flavor)}

    def index(self, flavors, detail, max_limit):
        build = self.detail if detail else self.basic
        items = [build(f) for f in flavors]
        body = {'flavors': items}
        name = COLLECTION + '/detail' if detail else COLLECTION
        next_link = collection_links(self.req, self.links, items, name,
                                     max_limit)
        if next_link:
            body['flavors_links'] = next_link
        return body


def access_list(flavor):
    return {'flavor_access': [{'flavor_id': flavor.flavorid,
                               'tenant_id': project}
                              for project in flavor.projects]}
