from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "coproduce.accounts"
    label = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self):
        # Connects the receivers (Django's app loading forces the import here).
        from . import receivers  # noqa: F401
