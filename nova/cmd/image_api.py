"""nova-image-api: the Image API v2 of the built-in store on its own port.

The same API nova-api serves under /image, for deployments that want the
image service on a host or port of its own (``[image] api_listen``,
``api_port``). Partial uploads a killed predecessor left are cleaned up on
start.
"""
from oslo_log import log as logging

from nova.api.image import router as image_router
from nova.cmd import common
from nova.image import api as image_api
from nova import wsgi_server

LOG = logging.getLogger(__name__)


def start_image_api(conf):
    app = image_router.loadapp(conf)
    # Clean after a crash and seed known images before the first request.
    backend = image_api.API(conf).backend
    if hasattr(backend, 'prepare'):
        backend.prepare()
    server = wsgi_server.Server(app, conf.image.api_listen,
                                conf.image.api_port, conf.image.api_threads,
                                name='nova-image-api')
    server.start()
    return server


def main():
    conf = common.prepare('nova-image-api')
    server = start_image_api(conf)
    common.wait_for_signal([server.stop])
