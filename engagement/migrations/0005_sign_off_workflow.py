"""The co-produced sign-off workflow every decision goes through before publication."""

from django.db import migrations

WORKFLOW_NAME = "Co-produced sign-off"


def create_sign_off_workflow(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    CoproducedSignOffTask = apps.get_model("engagement", "CoproducedSignOffTask")

    content_type, _ = ContentType.objects.get_or_create(
        app_label="engagement", model="coproducedsignofftask"
    )
    task = CoproducedSignOffTask.objects.filter(name=WORKFLOW_NAME).first()
    if task is None:
        task = CoproducedSignOffTask.objects.create(
            name=WORKFLOW_NAME, content_type=content_type, active=True
        )
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})


def remove_sign_off_workflow(apps, schema_editor):
    apps.get_model("wagtailcore", "Workflow").objects.filter(name=WORKFLOW_NAME).delete()
    apps.get_model("engagement", "CoproducedSignOffTask").objects.filter(
        name=WORKFLOW_NAME
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("engagement", "0004_decisions"),
        ("wagtailcore", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_sign_off_workflow, remove_sign_off_workflow)]
