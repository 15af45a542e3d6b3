"""Placement, built in: resource providers, inventories, allocations,
traits, resource classes and aggregates in the API database.

``direct.Placement`` is the in-process interface (scheduler, conductor,
nova-manage); ``app.loadapp`` the REST API (served by nova-api under
``/placement`` and by ``nova-placement-api``). Both call the functions of
``nova.placement.store``, so there is one code path.
"""
