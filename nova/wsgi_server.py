"""The HTTP server of nova-api: cheroot's threaded WSGI server.

A real thread pool with HTTP/1.1 keep-alive, and no green threads.
"""
import threading

from cheroot import wsgi
from oslo_log import log as logging

LOG = logging.getLogger(__name__)


class Server:
    def __init__(self, app, host, port, threads=16, name='nova-api'):
        # Bodies are streamed both ways: cheroot hands the app a reader of
        # the socket (wsgi.input) and writes each chunk the app yields.
        self._server = wsgi.Server((host, port), app, numthreads=threads,
                                   server_name=name)
        self.name = name
        self._thread = None

    @property
    def port(self):
        return self._server.bind_addr[1]

    def start(self):
        self._server.prepare()
        self._thread = threading.Thread(target=self._server.serve,
                                        daemon=True, name='wsgi')
        self._thread.start()
        LOG.info('%s listening on %s:%s', self.name,
                 *self._server.bind_addr[:2])

    def stop(self):
        self._server.stop()
        if self._thread:
            self._thread.join(timeout=10)
