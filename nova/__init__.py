"""A Nova-style IaaS compute controller.

oslo.service defaults to its eventlet backend; we select the threading
backend before anything imports oslo.messaging (which imports oslo.service),
so no service of ours ever runs on green threads (design decision 1).
"""
import warnings

# futurist probes for eventlet when it is installed (oslo.service depends
# on it); the probe's deprecation warning is noise: nothing here uses it.
warnings.filterwarnings('ignore', message=r'\s*Eventlet is deprecated')

from oslo_service import backend as _backend  # noqa: E402

try:
    _backend.init_backend(_backend.BackendType.THREADING)
except Exception:  # already initialised by an embedding program
    pass
