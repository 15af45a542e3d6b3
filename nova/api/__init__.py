"""nova-api: the compute REST API (v2.1 with microversions).

:mod:`nova.api.app` builds the WSGI application, :mod:`nova.api.router`
holds the one route table, :mod:`nova.api.microversion` the one list of
microversions; ``compute/`` has one module per resource with its
``schemas/`` and ``views/``.
"""
