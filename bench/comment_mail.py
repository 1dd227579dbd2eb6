"""Time a held comment's POST against a mail server that accepts and never answers.

Usage: ``.venv/bin/python bench/comment_mail.py [--port 8731] [--timeout 10]``. It starts
such a server on 127.0.0.1:PORT, builds a throwaway SQLite site whose SMTP backend points at
it (``EMAIL_TIMEOUT`` seconds), and posts a comment that is held for moderation (a first
comment from a new author) through Django's request handling, with no test transaction, so
``on_commit`` work runs where it would in production. It prints the request's wall time and
whether the mail server was contacted during the request. Nothing here asserts a time.
"""

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = """
import time, django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.test import Client
from django.urls import reverse
from articles.models import Article
from django.utils import timezone
from tests.comments.helpers import form_data
article = Article.objects.create(headline="Bench", slug="bench", standfirst="s",
    body="<p>b</p>", status="published", published_at=timezone.now())
client = Client()
client.get(article.get_absolute_url())  # a first request imports and compiles what it needs
for number in range(1, 4):  # three readers, each held as a first-time author
    started = time.perf_counter()
    response = client.post(reverse("comments:post", args=[article.pk]),
        form_data(article, email=f"reader{number}@example.com", author=f"Reader {number}"),
        REMOTE_ADDR=f"203.0.113.{number}")
    print(f"POST {number} answered {response.status_code} in "
          f"{time.perf_counter() - started:.3f} s")
from comments.models import Comment
print("comment statuses:", sorted(Comment.objects.values_list("status", flat=True)))
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8731)
    parser.add_argument("--timeout", default="10")
    options = parser.parse_args()
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", options.port))
    listener.listen()
    accepted = []

    def accept():
        while True:
            try:
                accepted.append(listener.accept()[0])  # kept open, never answered
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    with tempfile.TemporaryDirectory(prefix="newsroom-bench-mail-") as folder:
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "newsroom.settings.dev",
            "DEBUG": "0",
            "SQLITE_PATH": f"{folder}/db.sqlite3",
            "MEDIA_ROOT": f"{folder}/media",
            "PRIVATE_MEDIA_ROOT": f"{folder}/private",
            "CACHE_URL": f"file://{folder}/cache",
            "ALLOWED_HOSTS": "testserver",
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(options.port),
            "EMAIL_TIMEOUT": options.timeout,
            "COMMENTS_MIN_SECONDS": "0",
            "LOG_LEVEL": "CRITICAL",
        }
        environment.pop("DATABASE_URL", None)
        result = subprocess.run(
            [sys.executable, "-c", f"import sys; sys.path.insert(0, {str(ROOT)!r})\n{CHILD}"],
            env=environment,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
            check=True,
        )
    print(result.stdout.strip())
    print(f"connections the mail server accepted during the request: {len(accepted)}")
    listener.close()


if __name__ == "__main__":
    main()
