from django.db import migrations


class Migration(migrations.Migration):
    """A profile's access needs moved into the involvement passport (passport 0002)."""

    dependencies = [
        ("engagement", "0008_response_unfinished_answers"),
        ("passport", "0002_needs_from_profiles_and_sessions"),
    ]

    operations = [
        migrations.RemoveField(model_name="expertprofile", name="access_needs"),
    ]
