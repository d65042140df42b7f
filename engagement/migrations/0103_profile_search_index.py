"""A GIN index for the directory's full-text search, on PostgreSQL only.

The expression is exactly the one `engagement.profiles.selectors.directory_search` builds
(`SearchVector("search_text", config="english")`), so the planner uses the index. SQLite has no
full-text index of this kind and searches with a plain word match instead, so nothing is done
there."""

from django.db import migrations

INDEX = "engagement_expertprofile_search_gin"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON engagement_expertprofile USING gin "
        "(to_tsvector('english'::regconfig, COALESCE(search_text, '')))"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("engagement", "0102_profile_taxonomy")]

    operations = [migrations.RunPython(create_index, drop_index)]
