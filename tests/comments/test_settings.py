"""Every comments setting has the issue's default and is read from its environment variable."""

import importlib

import pytest

DEFAULTS = {
    "COMMENTS_THREAD_DEPTH": 5,
    "COMMENTS_CLOSE_AFTER_DAYS": 0,
    "COMMENTS_MIN_SECONDS": 3,
    "COMMENTS_MAX_FORM_AGE": 7200,
    "COMMENTS_FLOOD_SECONDS": 15,
    "COMMENTS_DISALLOWED_WORDS": [],
    "COMMENTS_MAX_LINKS": 2,
    "COMMENTS_MODERATION_WORDS": [],
    "COMMENTS_PER_PAGE": 50,
    "COMMENTS_MODERATION_COUNT_CAP": 1000,
    "COMMENTS_NOTIFY_EMAILS": [],
    "TRUSTED_PROXY_COUNT": 0,
}

FROM_ENVIRONMENT = {
    "COMMENTS_THREAD_DEPTH": ("3", 3),
    "COMMENTS_CLOSE_AFTER_DAYS": ("30", 30),
    "COMMENTS_MIN_SECONDS": ("5", 5),
    "COMMENTS_MAX_FORM_AGE": ("600", 600),
    "COMMENTS_FLOOD_SECONDS": ("60", 60),
    "COMMENTS_DISALLOWED_WORDS": ("casino, pills ,", ["casino", "pills"]),
    "COMMENTS_MAX_LINKS": ("4", 4),
    "COMMENTS_MODERATION_WORDS": ("lawyer", ["lawyer"]),
    "COMMENTS_PER_PAGE": ("20", 20),
    "COMMENTS_MODERATION_COUNT_CAP": ("200", 200),
    "COMMENTS_NOTIFY_EMAILS": ("a@example.com,b@example.com", ["a@example.com", "b@example.com"]),
    "TRUSTED_PROXY_COUNT": ("1", 1),
}


@pytest.fixture
def reload_base(monkeypatch):
    import newsroom.settings.base as base

    def load(**environ):
        for name in DEFAULTS:
            monkeypatch.delenv(name, raising=False)
        for name, value in environ.items():
            monkeypatch.setenv(name, value)
        return importlib.reload(base)

    yield load
    monkeypatch.undo()
    importlib.reload(base)


def test_defaults_are_the_issues(reload_base):
    base = reload_base()
    for name, default in DEFAULTS.items():
        assert getattr(base, name) == default, name


def test_every_setting_is_read_from_its_environment_variable(reload_base):
    base = reload_base(**{name: raw for name, (raw, _) in FROM_ENVIRONMENT.items()})
    for name, (_, expected) in FROM_ENVIRONMENT.items():
        assert getattr(base, name) == expected, name
