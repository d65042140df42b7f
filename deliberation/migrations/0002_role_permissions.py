"""Facilitators use the Wagtail admin for their groups and sessions; Editors for every group.
Which group a facilitator may change is narrowed by deliberation/wagtail_hooks.py."""

from django.db import migrations

PERMISSIONS = {
    "Facilitator": [
        ("wagtailadmin", "admin", ["access_admin"]),
        ("deliberation", "coproductiongroup", ["add_coproductiongroup", "change_coproductiongroup", "view_coproductiongroup"]),
        ("deliberation", "session", ["add_session", "change_session", "view_session", "delete_session"]),
    ],
    "Editor": [
        ("deliberation", "coproductiongroup", ["add_coproductiongroup", "change_coproductiongroup", "view_coproductiongroup", "delete_coproductiongroup"]),
        ("deliberation", "session", ["add_session", "change_session", "view_session", "delete_session"]),
    ],
}


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    for role, per_model in PERMISSIONS.items():
        group = Group.objects.filter(name=role).first()
        if group is None:
            continue
        for app_label, model, codenames in per_model:
            content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
            for codename in codenames:
                permission, _ = Permission.objects.get_or_create(
                    content_type=content_type, codename=codename, defaults={"name": codename}
                )
                group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("deliberation", "0001_initial"),
        ("accounts", "0002_roles"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
