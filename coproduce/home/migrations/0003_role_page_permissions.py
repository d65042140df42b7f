"""What the admin roles may do in Wagtail: Editors run all content and the site settings;
Commissioners add and edit pages and upload supporting documents. Publishing rules for
consultations and decisions are tightened by those apps' own migrations and workflows."""

from django.db import migrations

PAGE_PERMISSIONS = {
    "Editor": ["add_page", "change_page", "publish_page", "bulk_delete_page", "lock_page", "unlock_page"],
    "Commissioner": ["add_page", "change_page", "publish_page"],
}
COLLECTION_PERMISSIONS = {
    "Editor": [
        ("wagtailimages", "image", ["add_image", "change_image", "choose_image", "delete_image"]),
        ("wagtaildocs", "document", ["add_document", "change_document", "choose_document", "delete_document"]),
    ],
    "Commissioner": [
        ("wagtailimages", "image", ["add_image", "choose_image"]),
        ("wagtaildocs", "document", ["add_document", "change_document", "choose_document"]),
    ],
}


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    Collection = apps.get_model("wagtailcore", "Collection")
    HomePage = apps.get_model("home", "HomePage")

    home = HomePage.objects.first()
    page_type, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="page")
    root_collection = Collection.objects.filter(depth=1).first()

    for role, codenames in PAGE_PERMISSIONS.items():
        group = Group.objects.get(name=role)
        for codename in codenames:
            permission, _ = Permission.objects.get_or_create(
                content_type=page_type, codename=codename, defaults={"name": codename}
            )
            if home:
                GroupPagePermission.objects.get_or_create(
                    group=group, page_id=home.pk, permission=permission
                )
    for role, per_model in COLLECTION_PERMISSIONS.items():
        group = Group.objects.get(name=role)
        for app_label, model, codenames in per_model:
            content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
            for codename in codenames:
                permission, _ = Permission.objects.get_or_create(
                    content_type=content_type, codename=codename, defaults={"name": codename}
                )
                if root_collection:
                    GroupCollectionPermission.objects.get_or_create(
                        group=group, collection=root_collection, permission=permission
                    )
    settings_type, _ = ContentType.objects.get_or_create(
        app_label="home", model="organisationsettings"
    )
    change_settings, _ = Permission.objects.get_or_create(
        content_type=settings_type,
        codename="change_organisationsettings",
        defaults={"name": "Can change organisation settings"},
    )
    Group.objects.get(name="Editor").permissions.add(change_settings)


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0002_create_homepage"),
        ("accounts", "0002_roles"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
