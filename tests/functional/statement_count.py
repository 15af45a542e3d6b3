"""Count the SQL statements the calling thread runs.

The in-process stack's services run their own threads, so only the test
thread's statements (an API request handled in-process) are counted.
"""
import threading

import sqlalchemy as sa


class StatementCount:
    """Within ``with``: ``count`` of statements (SELECTs only when
    ``selects_only``: SQLite also runs a BEGIN per transaction)."""

    def __init__(self, selects_only=False):
        self.thread = threading.get_ident()
        self.selects_only = selects_only
        self.count = 0

    def __call__(self, conn, cursor, statement, *args):
        if threading.get_ident() != self.thread:
            return
        if self.selects_only and \
                not statement.lstrip().upper().startswith('SELECT'):
            return
        self.count += 1

    def __enter__(self):
        sa.event.listen(sa.engine.Engine, 'before_cursor_execute', self)
        return self

    def __exit__(self, *exc):
        sa.event.remove(sa.engine.Engine, 'before_cursor_execute', self)
