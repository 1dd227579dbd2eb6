import pytest


@pytest.fixture(autouse=True)
def site_settings_row(db):
    """Have the site settings' one row, as migration 0002 makes it.

    A transactional test elsewhere in the run (a browser journey, say) empties every
    table when it ends; pages/apps.py makes the row again after such a flush, and this
    makes these tests independent of which ran before them.
    """
    from pages.models import SiteSettings

    return SiteSettings.objects.get_or_create(pk=SiteSettings.SINGLETON_PK)[0]
