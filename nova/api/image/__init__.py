"""The Image API v2, served by nova-api under /image and by nova-image-api.

``router`` holds the route table and the WSGI app; one module per resource
(``images``, ``image_data``, ``tags``, ``members``, ``schemas``,
``versions``); ``views``, ``list_params`` and ``json_patch`` shape the
documents. Handlers call only the image facade (:mod:`nova.image.api`).
"""
