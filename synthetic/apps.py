from django.apps import AppConfig


class SyntheticConfig(AppConfig):
    """A synthetic archive for benchmarks and tests (``manage.py generate_archive``)."""

    name = "synthetic"
    verbose_name = "Synthetic archive"
