"""nova-api: the compute REST API (and later placement) over HTTP."""
from nova.api import app as api_app
from nova.cmd import common
from nova import wsgi_server


def start_api(conf):
    server = wsgi_server.Server(api_app.loadapp(conf), conf.wsgi.listen,
                                conf.wsgi.port, conf.wsgi.threads)
    server.start()
    return server


def main():
    conf = common.prepare('nova-api')
    server = start_api(conf)
    common.wait_for_signal([server.stop])
