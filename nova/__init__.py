"""A Nova-style IaaS compute controller.

oslo.service defaults to its eventlet backend; we select the threading
backend before anything imports oslo.messaging (which imports oslo.service),
so no service of ours ever runs on green threads (design decision 1).
"""
from oslo_service import backend as _backend

try:
    _backend.init_backend(_backend.BackendType.THREADING)
except Exception:  # already initialised by an embedding program
    pass
