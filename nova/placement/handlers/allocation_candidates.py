"""GET /allocation_candidates (microversions 1.10-1.39).

Parsing is nova.placement.candidates.params, the query engine
nova.placement.candidates, the body nova.placement.candidates.view.
"""
from nova import exception
from nova.placement import candidates
from nova.placement.candidates import params
from nova.placement.candidates import view
from nova.placement import query
from nova.placement import wsgi


def list_candidates(req):
    req.can('placement:allocation_candidates:list')
    request = params.from_query(req.GET, req.version)
    randomize = req.placement.conf.placement.randomize_allocation_candidates
    try:
        found = candidates.get(req.context, request, db=req.db,
                               randomize=randomize)
    except exception.ResourceClassNotFound as e:
        raise exception.PlacementQueryError(
            'Invalid resource class in resources parameter: %s'
            % e.format_message(), error_code=query.BAD_VALUE)
    except exception.TraitNotFound as e:
        raise exception.PlacementQueryError(
            e.format_message(), error_code=query.BAD_VALUE)
    return wsgi.json_response(req, view.render(found, request, req.version))
