"""Starting values for the expertise taxonomy, and the Editor's right to manage it as snippets.
Editors change these in the Wagtail admin afterwards; running this again adds nothing twice."""

from django.db import migrations
from django.utils.text import slugify

EXPERIENCE_AREAS = [
    "Personal health budgets",
    "Continuing healthcare",
    "Learning disability",
    "Autism",
    "Mental health",
    "Long-term conditions",
    "Carer",
    "Children and young people with SEND",
    "Older people",
    "End of life care",
    "Physical disability",
    "Sensory impairment",
    "Dementia",
    "Substance use",
    "Homelessness",
]
SKILLS = [
    "Chairing meetings",
    "Reviewing documents",
    "Recruitment panels",
    "Training and teaching",
    "Peer support",
    "Research",
    "Public speaking",
    "Easy read checking",
    "Evaluating services",
]
LOCALITIES = [
    ("Northshire Integrated Care Board", "icb"),
    ("Northshire County Council", "la"),
    ("Eastbridge City Council", "la"),
    ("Westmoor District Council", "la"),
    ("Southvale Borough Council", "la"),
]
LANGUAGES = [
    "English",
    "British Sign Language",
    "Welsh",
    "Polish",
    "Urdu",
    "Punjabi",
    "Bengali",
    "Arabic",
    "Romanian",
    "Somali",
]
TAXONOMY_MODELS = ["experiencearea", "skill", "locality", "language"]


def seed_taxonomy(apps, schema_editor):
    ExperienceArea = apps.get_model("engagement", "ExperienceArea")
    Skill = apps.get_model("engagement", "Skill")
    Locality = apps.get_model("engagement", "Locality")
    Language = apps.get_model("engagement", "Language")
    for name in EXPERIENCE_AREAS:
        ExperienceArea.objects.get_or_create(slug=slugify(name), defaults={"name": name})
    for name in SKILLS:
        Skill.objects.get_or_create(slug=slugify(name), defaults={"name": name})
    for name, kind in LOCALITIES:
        Locality.objects.get_or_create(slug=slugify(name), defaults={"name": name, "kind": kind})
    for name in LANGUAGES:
        Language.objects.get_or_create(slug=slugify(name), defaults={"name": name})

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    editor = Group.objects.filter(name="Editor").first()
    if editor is None:
        return
    for model in TAXONOMY_MODELS:
        content_type, _ = ContentType.objects.get_or_create(app_label="engagement", model=model)
        for action in ("add", "change", "delete", "view"):
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type,
                codename=f"{action}_{model}",
                defaults={"name": f"Can {action} {model}"},
            )
            editor.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("engagement", "0101_profiles"),
        ("accounts", "0002_roles"),
    ]

    operations = [migrations.RunPython(seed_taxonomy, migrations.RunPython.noop)]
