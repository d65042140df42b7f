# NotificationPreference moved to coproduce.notifications (same table): state only.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("engagement", "0008_response_unfinished_answers"),
        ("notifications", "0001_preferences_moved_from_decisions"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="NotificationPreference")],
            database_operations=[],
        ),
    ]
