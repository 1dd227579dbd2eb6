"""Time an upload request and a rendition run for big pictures, and their peak memory.

Usage: ``.venv/bin/python bench/uploads.py PICTURE [PICTURE ...]``. For each picture it
starts a fresh Python process on a throwaway SQLite site (production-like: no test
transaction, so ``on_commit`` work runs where it would in production), posts the picture
to the Image admin's add form as a logged-in editor, and prints the request's wall time
and the process's peak resident memory; then, in another fresh process, it runs the task
worker once (``manage.py db_worker --batch``) and prints the same for it. Nothing here
asserts a time: the figures go into the README and the issue's closing note.
"""

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _child_upload(path):
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    editor = get_user_model().objects.get(username="bench-editor")
    client = Client()
    client.force_login(editor)
    with open(path, "rb") as file:
        upload = SimpleUploadedFile(os.path.basename(path), file.read())
    started = time.perf_counter()
    response = client.post(
        "/admin/articles/image/add/", {"file": upload, "alt_text": "Big", "credit": "Bench"}
    )
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if response.status_code != 302:
        print(response.content[:3000].decode(), file=sys.stderr)
    print(json.dumps({"status": response.status_code, "seconds": seconds, "peak_mib": peak}))


def _run(environment, *args):
    return subprocess.run(
        [sys.executable, *args],
        env=environment,
        cwd=ROOT,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout


def main(paths):
    for path in paths:
        with tempfile.TemporaryDirectory(prefix="newsroom-bench-uploads-") as folder:
            environment = {
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "newsroom.settings.dev",
                "DEBUG": "0",
                "SQLITE_PATH": f"{folder}/db.sqlite3",
                "MEDIA_ROOT": f"{folder}/media",
                "PRIVATE_MEDIA_ROOT": f"{folder}/private",
                "CACHE_URL": f"file://{folder}/cache",
                "LOG_LEVEL": "WARNING",
                "ALLOWED_HOSTS": "testserver",
            }
            environment.pop("DATABASE_URL", None)
            _run(environment, "manage.py", "migrate", "--noinput", "-v", "0")
            _run(
                environment,
                "-c",
                "import django; django.setup();"
                "from django.contrib.auth import get_user_model;"
                "get_user_model().objects.create_superuser('bench-editor', 'e@x.org', 'x')",
            )
            upload = json.loads(_run(environment, __file__, "--child-upload", path))
            started = time.perf_counter()
            worker = subprocess.run(
                [
                    "/usr/bin/time",
                    "-f",
                    "%M",
                    sys.executable,
                    "manage.py",
                    "db_worker",
                    "--batch",
                    "--no-startup-delay",
                    "--no-reload",
                    "-v",
                    "0",
                ],
                env=environment,
                cwd=ROOT,
                check=True,
                capture_output=True,
                text=True,
            )
            worker_seconds = time.perf_counter() - started
            worker_peak = int(worker.stderr.strip().splitlines()[-1]) / 1024
            renditions = _run(
                environment,
                "-c",
                "import django; django.setup(); from articles.models import Rendition;"
                "print(Rendition.objects.count())",
            ).strip()
            print(
                f"{os.path.basename(path)}: upload {upload['status']} in "
                f"{upload['seconds']:.2f} s, peak {upload['peak_mib']:.0f} MiB; "
                f"worker {worker_seconds:.2f} s, peak {worker_peak:.0f} MiB; "
                f"{renditions} renditions"
            )


if __name__ == "__main__":
    if sys.argv[1] == "--child-upload":
        sys.path.insert(0, str(ROOT))
        _child_upload(sys.argv[2])
    else:
        main(sys.argv[1:])
