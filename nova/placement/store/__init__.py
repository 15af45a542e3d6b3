"""Data access of placement: SQLAlchemy Core on the API database.

One module per table family. Every function takes ``db`` (a
:class:`~nova.placement.store.tables.Database`) and a request context; the
ones that write open a writer transaction, which nests into the caller's
when the caller already holds one on the same context.
"""
