"""Post 100 wrong admin passwords for one username and time the answers.

Usage: ``.venv/bin/python bench/login_throttle.py [--without-throttle N]``. It builds a
throwaway SQLite site with the development settings (``DEBUG=0``, Django's real PBKDF2
password hasher), makes one staff account, and posts wrong passwords to ``/admin/login/``
through Django's request handling from one address, as a guessing script would. It prints
the answers' status codes, the ``Retry-After`` of the last one, and the mean time of the
attempts that reached the password hasher and of those refused before it. With
``--without-throttle N`` it also posts N wrong passwords with django-axes switched off, to
show what each would cost. Nothing here asserts a time.
"""

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = """
import sys, time
from collections import Counter
import django
django.setup()
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client, override_settings
call_command("migrate", verbosity=0)
User.objects.create_user("desk", password="the-right-one-2026", is_staff=True)
without = int(sys.argv[1])


def guess(count, address):
    client = Client(REMOTE_ADDR=address)
    client.get("/admin/login/")
    answers = []
    for number in range(count):
        started = time.perf_counter()
        response = client.post(
            "/admin/login/", {"username": "desk", "password": f"guess-{number}"}
        )
        answers.append((response.status_code, time.perf_counter() - started, response))
    return answers


answers = guess(100, "203.0.113.7")
codes = Counter(code for code, _, _ in answers)
hashed = [seconds for code, seconds, _ in answers if code != 429]
# The attempt that reaches the limit is hashed too, and answered 429.
first_locked = next(i for i, (code, _, _) in enumerate(answers) if code == 429)
hashed.append(answers[first_locked][1])
refused = [seconds for _, seconds, _ in answers[first_locked + 1:]]
total = sum(seconds for _, seconds, _ in answers)
print(f"with the throttle: answers {dict(codes)}; Retry-After of the last: "
      f"{answers[-1][2].get('Retry-After')} s; {total:.2f} s for all 100")
print(f"  {len(hashed)} attempts hashed, mean {1000 * sum(hashed) / len(hashed):.0f} ms; "
      f"{len(refused)} refused before hashing, mean {1000 * sum(refused) / len(refused):.1f} ms")
if without:
    with override_settings(AXES_ENABLED=False):
        plain = guess(without, "203.0.113.8")
    mean = sum(seconds for _, seconds, _ in plain) / len(plain)
    print(f"without the throttle: answers {dict(Counter(c for c, _, _ in plain))}; "
          f"mean {1000 * mean:.0f} ms each, so 100 would take {100 * mean:.0f} s")
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--without-throttle", type=int, default=0, metavar="N")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="newsroom-bench-login-") as folder:
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "newsroom.settings.dev",
            "DEBUG": "0",
            "SQLITE_PATH": f"{folder}/db.sqlite3",
            "MEDIA_ROOT": f"{folder}/media",
            "PRIVATE_MEDIA_ROOT": f"{folder}/private",
            "CACHE_URL": f"file://{folder}/cache",
            "ALLOWED_HOSTS": "testserver",
            "LOG_LEVEL": "WARNING",
        }
        subprocess.run(
            [sys.executable, "-c", CHILD, str(options.without_throttle)],
            cwd=ROOT,
            env=environment,
            check=True,
        )


if __name__ == "__main__":
    main()
