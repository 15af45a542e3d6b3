"""Allocation candidates: which providers can take a request, and how.

``get(ctx, request)`` is the in-process entry point (the scheduler, and
the ``GET /allocation_candidates`` handler); doc/api/placement-candidates.rst
explains how the answer is computed.
"""
from nova.db import engines
from nova.placement.candidates.engine import find
from nova.placement.candidates.request import CandidateRequest
from nova.placement.candidates.request import Candidates
from nova.placement.candidates.request import RequestGroup

__all__ = ['CandidateRequest', 'Candidates', 'RequestGroup', 'find', 'get']


def get(ctx, request, db=None, randomize=False):
    """Candidates for a CandidateRequest, in one read transaction.

    :param db: a ``nova.placement.store.tables.Database``; the
        process's API database when None.
    :param randomize: ``[placement] randomize_allocation_candidates``:
        a random sample (and order) instead of the first ones by provider.
    :raises: TraitNotFound, ResourceClassNotFound for names that exist
        nowhere.
    """
    reader = (db.reader(ctx) if db is not None
              else engines.api_reader(ctx))
    with reader as session:
        return find(session, request, randomize=randomize)
