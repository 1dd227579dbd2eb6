"""Fill in the production templates in deploy/ from the settings this site runs with.

Why a command and not a text editor: the nginx site must agree with the app on the
static and media folders, their URLs and the upload limit (IMAGE_MAX_UPLOAD_MB), and the
systemd units must let the app write exactly the folders its settings name. Rendered
from the same environment the services run with, they cannot drift apart.
"""

import os
import re
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

TEMPLATES = (
    "nginx/newsroom.conf",
    "systemd/newsroom-web.service",
    "systemd/newsroom-worker.service",
)
PLACEHOLDER = re.compile(r"@[A-Z_]+@")
# What may go into the nginx and systemd files unquoted: nothing that ends a directive
# (;), opens a block, starts a comment or a variable, or quotes.
SAFE_PATH = re.compile(r"/[A-Za-z0-9._/+-]*")
SAFE_LISTEN = re.compile(r"[A-Za-z0-9.:\[\]]+")
SAFE_BIND = re.compile(r"(unix:/[A-Za-z0-9._/+-]+|[A-Za-z0-9.\-]+:[0-9]+|\[[0-9a-fA-F:]+\]:[0-9]+)")
HOST_NAME = re.compile(r"(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9-]+)*")
# Room for the rest of the picture form around the file: multipart boundaries and part
# headers, the CSRF token, alt text, caption and credit take a few kilobytes.
MULTIPART_ALLOWANCE_MB = 1


class Command(BaseCommand):
    help = (
        "Write the nginx site and the systemd units of deploy/ for this installation, "
        "filled in from the production settings (run it with the services' environment)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="Folder to write the files to.")
        parser.add_argument(
            "--server-name",
            required=True,
            help="The site's host names, space-separated (nginx server_name).",
        )
        parser.add_argument(
            "--certificate",
            help="TLS certificate chain (default: Let's Encrypt's fullchain.pem for the "
            "first server name).",
        )
        parser.add_argument(
            "--certificate-key",
            help="TLS private key (default: Let's Encrypt's privkey.pem for the first name).",
        )
        parser.add_argument("--http-listen", default="80", help="nginx's HTTP listen address.")
        parser.add_argument("--https-listen", default="443", help="nginx's HTTPS listen address.")
        parser.add_argument("--user", default="newsroom", help="The services' system user.")
        parser.add_argument(
            "--env-file",
            default="/etc/newsroom/newsroom.env",
            help="The services' EnvironmentFile.",
        )

    def handle(self, *args, **options):
        names = self.values(options)
        deploy = Path(settings.BASE_DIR) / "deploy"
        output = Path(options["output"])
        for template in TEMPLATES:
            text = (deploy / template).read_text()
            for placeholder, value in names.items():
                text = text.replace(f"@{placeholder}@", value)
            left = sorted(set(PLACEHOLDER.findall(text)))
            if left:
                raise CommandError(f"{template} still has placeholders: {', '.join(left)}.")
            target = output / template
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
            self.stdout.write(f"Wrote {target}")

    def values(self, options):
        """Return every placeholder's value, each checked before it goes into a file."""
        server_names = options["server_name"].split()
        if not server_names or not all(HOST_NAME.fullmatch(name) for name in server_names):
            raise CommandError(f"--server-name must be host names; got {options['server_name']!r}.")
        first = server_names[0].removeprefix("*.")
        letsencrypt = Path("/etc/letsencrypt/live") / first
        https_listen = _checked(SAFE_LISTEN, options["https_listen"], "--https-listen")
        https_port = https_listen.rsplit(":", 1)[-1] if ":" in https_listen else https_listen
        if not https_port.isdigit():
            https_port = "443"
        return {
            "SERVER_NAME": " ".join(server_names),
            "HTTP_LISTEN": _checked(SAFE_LISTEN, options["http_listen"], "--http-listen"),
            "HTTPS_LISTEN": https_listen,
            # Where plain HTTP redirects to; the port only when it is not HTTPS's own.
            "HTTPS_ORIGIN": "https://$host" + ("" if https_port == "443" else f":{https_port}"),
            "TLS_CERTIFICATE": _path(
                options["certificate"] or str(letsencrypt / "fullchain.pem"), "--certificate"
            ),
            "TLS_CERTIFICATE_KEY": _path(
                options["certificate_key"] or str(letsencrypt / "privkey.pem"),
                "--certificate-key",
            ),
            # gunicorn.conf.py reads the same variable with the same default.
            "GUNICORN_BIND": _checked(
                SAFE_BIND, os.environ.get("GUNICORN_BIND", "127.0.0.1:8000"), "GUNICORN_BIND"
            ),
            "STATIC_URL": _url_path(settings.STATIC_URL, "STATIC_URL"),
            "STATIC_ROOT": _path(settings.STATIC_ROOT, "STATIC_ROOT"),
            "MEDIA_URL": _url_path(settings.MEDIA_URL, "MEDIA_URL"),
            "MEDIA_ROOT": _path(settings.MEDIA_ROOT, "MEDIA_ROOT"),
            "IMAGE_MAX_UPLOAD_MB": str(settings.IMAGE_MAX_UPLOAD_MB),
            "CLIENT_MAX_BODY_SIZE": f"{settings.IMAGE_MAX_UPLOAD_MB + MULTIPART_ALLOWANCE_MB}m",
            "APP_DIR": _path(settings.BASE_DIR, "the app's folder"),
            # The Python this command runs with is the one the services must run with.
            "VENV_BIN": _path(Path(sys.executable).parent, "the virtualenv"),
            "USER": _checked(re.compile(r"[a-z_][a-z0-9_-]*"), options["user"], "--user"),
            "ENV_FILE": _path(options["env_file"], "--env-file"),
            "READ_WRITE_PATHS": " ".join(_written_folders()),
        }


def _written_folders():
    """Return the folders the app writes to, as its settings name them."""
    folders = [settings.MEDIA_ROOT]
    # Pictures' originals, where the settings keep them apart from the public media.
    private = getattr(settings, "PRIVATE_MEDIA_ROOT", None)
    if private:
        folders.append(private)
    for cache in settings.CACHES.values():
        if cache["BACKEND"].endswith("FileBasedCache"):
            folders.append(cache["LOCATION"])
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        # SQLite writes its journal and WAL files beside the database.
        folders.append(Path(database["NAME"]).parent)
    checked = [_path(folder, "a folder the app writes") for folder in folders]
    # A folder inside another listed one adds nothing.
    return [
        folder
        for folder in dict.fromkeys(checked)
        if not any(folder.startswith(other + "/") for other in checked)
    ]


def _checked(pattern, value, what):
    value = str(value)
    if not pattern.fullmatch(value):
        raise CommandError(f"{what} cannot go into the config files as it is: {value!r}.")
    return value


def _path(value, what):
    """Return ``value`` as an absolute path without a trailing slash, or refuse it."""
    path = os.path.normpath(str(value))
    if not os.path.isabs(path):
        raise CommandError(f"{what} must be an absolute path; got {str(value)!r}.")
    return _checked(SAFE_PATH, path, what)


def _url_path(value, what):
    if not (value.startswith("/") and value.endswith("/")):
        raise CommandError(
            f"{what} is {value!r}: nginx can only serve a path on this site, such as "
            f"/{what.split('_')[0].lower()}/. Files on another host need no nginx location."
        )
    return _checked(SAFE_PATH, value, what)
