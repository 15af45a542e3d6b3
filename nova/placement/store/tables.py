"""The placement tables as SQLAlchemy Core objects, and the database handle.
"""
import threading

from oslo_db import api as oslo_db_api
from oslo_db import exception as db_exc

from nova import exception
from nova.db.api import placement_models as models
from nova.db import engines
from nova.db.types import utcnow

PROVIDERS = models.ResourceProvider.__table__
RESOURCE_CLASSES = models.ResourceClass.__table__
INVENTORIES = models.Inventory.__table__
PROJECTS = models.Project.__table__
USERS = models.User.__table__
CONSUMER_TYPES = models.ConsumerType.__table__
CONSUMERS = models.Consumer.__table__
ALLOCATIONS = models.Allocation.__table__
TRAITS = models.Trait.__table__
PROVIDER_TRAITS = models.ResourceProviderTrait.__table__
AGGREGATES = models.PlacementAggregate.__table__
PROVIDER_AGGREGATES = models.ResourceProviderAggregate.__table__

now = utcnow


class Database:
    """Transactions on one API database, found by URL.

    ``writer(ctx)``/``reader(ctx)`` are oslo.db enginefacade context
    managers yielding a session; a writer opened while the same context
    already holds one joins that transaction.
    """

    def __init__(self, url):
        """url: the database URL, or a function returning it."""
        self._url = url
        self._ready = set()  # URLs whose standard traits are synced
        self._lock = threading.Lock()

    @property
    def url(self):
        return self._url() if callable(self._url) else self._url

    @property
    def _manager(self):
        # Looked up on use: an app may be built before its database is
        # configured (and some apps never touch it).
        return engines.context_manager_for(self.url)

    def _prepare(self):
        """Sync os-traits' standard names into the table, once, on first
        use (the schema may not exist yet when the Database is built)."""
        url = self.url
        if url in self._ready:
            return
        with self._lock:
            if url not in self._ready:
                from nova.placement.store import traits
                engine = engines.context_manager_for(url).writer.get_engine()
                with engine.begin() as conn:
                    traits.sync_standard(conn)
                self._ready.add(url)

    def writer(self, context):
        self._prepare()
        return self._manager.writer.using(context)

    def reader(self, context):
        self._prepare()
        return self._manager.reader.using(context)

    @property
    def dialect(self):
        return self._manager.writer.get_engine().dialect.name


class Raced(exception.ConcurrentUpdateDetected):
    """A compare-and-swap on a generation lost to another writer; the
    transaction is retried where the caller gave no generation itself."""


def _retriable(exc):
    # SQLite's single writer, MySQL/PostgreSQL deadlocks, lost CAS races.
    return engines._locked(exc) or isinstance(exc, (db_exc.DBDeadlock,
                                                    Raced))


def retry_on_contention(func):
    """Retry a whole write transaction that lost a lock or CAS race.
    Wrap the function that opens the transaction, not one inside it."""
    return oslo_db_api.wrap_db_retry(
        max_retries=20, retry_interval=0.02, max_retry_interval=0.5,
        inc_retry_interval=True, exception_checker=_retriable)(func)


def insert_ignoring_duplicates(session, table, rows):
    """INSERT rows, skipping any that collide with a unique key (a race
    with another writer creating the same name is not an error)."""
    if not rows:
        return
    dialect = (getattr(session, "dialect", None)
               or session.get_bind().dialect).name
    if dialect == 'sqlite':
        from sqlalchemy.dialects import sqlite
        stmt = sqlite.insert(table).on_conflict_do_nothing()
    elif dialect == 'postgresql':
        from sqlalchemy.dialects import postgresql
        stmt = postgresql.insert(table).on_conflict_do_nothing()
    else:
        stmt = table.insert().prefix_with('IGNORE')
    session.execute(stmt, rows)


def ensure_external_id(session, table, external_id):
    """The id of the projects/users/consumer_types row named external_id,
    created when missing (``name`` for consumer types)."""
    column = table.c.name if table is CONSUMER_TYPES else table.c.external_id
    query = table.select().with_only_columns(table.c.id).where(
        column == external_id)
    row = session.execute(query).first()
    if row:
        return row[0]
    insert_ignoring_duplicates(session, table, [
        {column.name: external_id, 'created_at': now()}])
    return session.execute(query).scalar_one()


def chunks(items, size=500):
    """Split a list for IN (...) clauses that stay under driver limits."""
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start:start + size]


