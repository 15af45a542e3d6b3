"""The body of GET /allocation_candidates at each microversion.

1.10  allocation requests as lists of {resource_provider, resources}
1.12  allocation requests as dicts keyed by provider uuid
1.17  traits in provider summaries
1.27  every inventory class in provider summaries (before: the requested)
1.29  parent and root provider uuids in provider summaries
1.34  mappings (request group suffix -> providers) in allocation requests
"""


def _allocation_request(areq, version):
    if version < (1, 12):
        return {'allocations': [
            {'resource_provider': {'uuid': uuid},
             'resources': alloc['resources']}
            for uuid, alloc in areq['allocations'].items()]}
    body = {'allocations': areq['allocations']}
    if version >= (1, 34):
        body['mappings'] = areq['mappings']
    return body


def _summary(summary, version, requested):
    resources = summary['resources']
    if version < (1, 27):
        resources = {rc: value for rc, value in resources.items()
                     if rc in requested}
    body = {'resources': resources}
    if version >= (1, 17):
        body['traits'] = summary['traits']
    if version >= (1, 29):
        body['parent_provider_uuid'] = summary['parent_provider_uuid']
        body['root_provider_uuid'] = summary['root_provider_uuid']
    return body


def render(candidates, request, version):
    if version >= (1, 34):      # the engine's own shape: nothing to drop
        return {'allocation_requests': candidates.allocation_requests,
                'provider_summaries': candidates.provider_summaries}
    requested = {rc for group in request.groups for rc in group.resources}
    return {
        'allocation_requests': [_allocation_request(areq, version)
                                for areq in candidates.allocation_requests],
        'provider_summaries': {
            uuid: _summary(summary, version, requested)
            for uuid, summary in candidates.provider_summaries.items()},
    }
