"""The problems app: root causes, known errors, and proposals from recurring incidents."""

from django.apps import AppConfig


class ProblemsConfig(AppConfig):
    name = "problems"
    verbose_name = "Problem management"
