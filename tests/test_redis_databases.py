"""The suite empties only its own Redis databases, so two suites can run side by side."""

import re
from pathlib import Path

# A local Redis database named by number: only tests/redis_databases.py may write one.
LOCAL_DATABASE = re.compile(r"redis://(?:127\.0\.0\.1|localhost):6379/\d")


def test_every_test_takes_its_redis_database_from_redis_url():
    tests = Path(__file__).parent
    hard_coded = [
        str(path.relative_to(tests))
        for path in sorted(tests.rglob("*.py"))
        if path.name != "redis_databases.py" and LOCAL_DATABASE.search(path.read_text())
    ]
    assert hard_coded == []
