from django.db import migrations, models


class Migration(migrations.Migration):
    """Which of the needs in their involvement passport a person shares for this session. The
    old per-session needs move into passports in passport 0002, then go (0007)."""

    dependencies = [("deliberation", "0005_statements")]

    operations = [
        migrations.AddField(
            model_name="sessionattendance",
            name="shared_needs",
            field=models.JSONField(blank=True, default=list),
        ),
    ]
