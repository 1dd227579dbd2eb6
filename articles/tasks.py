"""Work the task worker (``manage.py db_worker``) does away from readers' requests."""

from django_tasks import task

from .models import Image


@task()
def make_renditions(image_ids):
    """Make every standard rendition of these images that does not exist yet."""
    for image in Image.objects.filter(pk__in=image_ids):
        image.create_renditions()
