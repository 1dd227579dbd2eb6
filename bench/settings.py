"""Production settings plus a bare Django view to compare against; used only by bench/run.py."""

from newsroom.settings.prod import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
# Plain HTTP on loopback: no redirect to HTTPS.
SECURE_SSL_REDIRECT = False
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
