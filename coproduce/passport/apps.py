from django.apps import AppConfig


class PassportConfig(AppConfig):
    name = "coproduce.passport"
    label = "passport"
    verbose_name = "Involvement passports"
