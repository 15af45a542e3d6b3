"""nova-placement-api: the placement REST API on a port of its own.

The same application nova-api serves under /placement
(``[placement_api] listen``, ``port``, ``threads``), for deployments that
run placement on its own host or port. It needs only the API database.
"""
from nova.cmd import common
from nova.placement import app as placement_app
from nova import wsgi_server


def start_placement_api(conf):
    server = wsgi_server.Server(
        placement_app.loadapp(conf), conf.placement_api.listen,
        conf.placement_api.port, conf.placement_api.threads,
        name='nova-placement-api')
    server.start()
    return server


def main():
    conf = common.prepare('nova-placement-api')
    server = start_placement_api(conf)
    common.wait_for_signal([server.stop])
