import pytest


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Give every test its own MEDIA_ROOT so uploads never land in the working tree."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def empty_cache():
    """Start every test with an empty cache, so no page leaks from one test to another."""
    from django.core.cache import cache

    cache.clear()
