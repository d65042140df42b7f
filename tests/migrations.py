"""Helpers for the tests that move the test database backwards and forwards through the
migrations. Whatever happens in such a test, the database must end on the latest migrations:
every later test in the same worker shares it.

They run on PostgreSQL only. On SQLite, Django changes most columns by copying the table
(`_remake_table`) from the historical model of the migration being applied or unapplied. When
the migrations of one app are parallel branches joined by a merge migration (deliberation 0006_*
and 0009), that historical state follows Django's single ordering of the graph, not what is
applied: unapplying deliberation 0007 (which adds the attendance's needs columns back) copies
`deliberation_sessionattendance` from a state that lacks `place` and `waiting_since`, because
deliberation 0006_session_places_venue_calendar comes after 0007 in that ordering though it
stays applied. The copy drops those columns, and migrating forward again then fails on
"no such column: deliberation_sessionattendance.place". PostgreSQL adds and drops columns in
place, so nothing else is touched.
"""

from contextlib import contextmanager

from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate(targets):
    """Migrate the test database to `targets` and return the historical apps there."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@contextmanager
def back_to_latest_after():
    """Run the block, then migrate to the latest migrations. If even that fails, build the
    schema again from nothing, so one broken migration test cannot fail the tests after it."""
    try:
        yield
    finally:
        try:
            migrate(latest())
        except Exception:
            rebuild_schema()
            raise


def rebuild_schema():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")
        else:
            cursor.execute("PRAGMA foreign_keys = OFF")
            # Virtual (full-text) tables first: dropping one drops its own shadow tables.
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY sql NOT LIKE 'CREATE VIRTUAL TABLE%'"
            )
            for (table,) in cursor.fetchall():
                cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(table)}")
            cursor.execute("PRAGMA foreign_keys = ON")
    call_command("migrate", verbosity=0, interactive=False)
