from django.db import migrations


class Migration(migrations.Migration):
    """The per-session needs now live in the person's involvement passport (moved there by
    passport 0002); the attendance keeps only what is shared."""

    dependencies = [
        ("deliberation", "0006_attendance_shared_needs"),
        ("passport", "0002_needs_from_profiles_and_sessions"),
    ]

    operations = [
        migrations.RemoveField(model_name="sessionattendance", name="support_needs"),
        migrations.RemoveField(model_name="sessionattendance", name="other_needs"),
        migrations.RemoveField(model_name="sessionattendance", name="share_needs"),
    ]
