# The preferences model moved here from engagement.decisions so that every feature (live rooms
# too, which import nothing of engagement) can ask what a person wants to receive. The table
# keeps its name: this migration changes Django's state only, not the database.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("engagement", "0004_decisions"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="NotificationPreference",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "decision_emails",
                            models.BooleanField(
                                default=True,
                                verbose_name="email me when a decision I took part in is published or updated",
                            ),
                        ),
                        (
                            "user",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="notification_preference",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={"db_table": "engagement_notificationpreference"},
                ),
            ],
            database_operations=[],
        ),
    ]
