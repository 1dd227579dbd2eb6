import pytest


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Give every test its own MEDIA_ROOT so uploads never land in the working tree."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def private_media_root(settings, tmp_path):
    """Give every test its own folder of pictures' originals (articles/storage.py)."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture(autouse=True)
def empty_cache():
    """Start every test with empty caches, so no page leaks from one test to another.

    Emptying the page cache's generation too gives every test a new one, so no page a
    process keeps in memory (newsroom/pagecache.py) is found by a later test.
    """
    from django.conf import settings
    from django.core.cache import caches

    for alias in settings.CACHES:
        caches[alias].clear()
