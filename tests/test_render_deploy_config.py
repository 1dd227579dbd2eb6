"""manage.py render_deploy_config: deploy/'s templates filled in from the settings.

tests/test_front_server.py runs the rendered nginx site for real; here the systemd units
go through systemd's own checker, and values that would break the files are refused.
"""

import io
import re
import shutil
import subprocess

import pytest
from django.core.management import CommandError, call_command


def render(tmp_path, **options):
    options.setdefault("server_name", "news.example.com www.news.example.com")
    call_command(
        "render_deploy_config", output=str(tmp_path / "out"), stdout=io.StringIO(), **options
    )
    return tmp_path / "out"


def test_rendered_systemd_units_pass_systemd_analyze_verify(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    analyze = shutil.which("systemd-analyze")
    assert analyze, "systemd-analyze is missing: apt-get install systemd (CI has it)."
    output = render(tmp_path)
    units = sorted(str(path) for path in (output / "systemd").glob("*.service"))
    assert [unit.rsplit("/", 1)[1] for unit in units] == [
        "newsroom-web.service",
        "newsroom-worker.service",
    ]
    result = subprocess.run(  # noqa: S603 - a fixed command on files made here
        [analyze, "verify", *units], capture_output=True, text=True, timeout=60
    )
    # verify prints a line for every unknown key or bad value, and fails on a missing
    # program; a clean run prints nothing.
    assert (result.returncode, result.stdout + result.stderr) == (0, "")
    web = (output / "systemd/newsroom-web.service").read_text()
    # MEDIA_ROOT is writable, named or within a folder that is (the SQLite database's).
    writable = re.search(r"^ReadWritePaths=(.*)$", web, re.M).group(1).split()
    media = str(tmp_path / "media")
    assert any(media == folder or media.startswith(folder + "/") for folder in writable)
    assert "EnvironmentFile=/etc/newsroom/newsroom.env\n" in web


def test_the_nginx_site_takes_its_limits_and_folders_from_the_settings(tmp_path, settings):
    settings.IMAGE_MAX_UPLOAD_MB = 12
    settings.STATIC_ROOT = tmp_path / "static"
    settings.MEDIA_ROOT = tmp_path / "media"
    site = (render(tmp_path) / "nginx/newsroom.conf").read_text()
    assert "client_max_body_size 13m;" in site
    assert "pictures may be at most 12 MB." in site
    assert f"alias {tmp_path / 'static'}/;" in site
    assert f"alias {tmp_path / 'media'}/renditions/;" in site
    assert "server_name news.example.com www.news.example.com;" in site
    assert "ssl_certificate /etc/letsencrypt/live/news.example.com/fullchain.pem;" in site
    assert "return 301 https://$host$request_uri;" in site
    assert not re.search(r"@[A-Z_]+@", site)


@pytest.mark.parametrize(
    "options, message",
    [
        ({"server_name": "news.example.com; return 200"}, "--server-name must be host names"),
        ({"certificate": "certs/site.pem"}, "--certificate must be an absolute path"),
        ({"certificate": "/etc/ssl/my cert.pem"}, "--certificate cannot go into"),
        ({"https_listen": "443; include /etc/passwd"}, "--https-listen cannot go into"),
        ({"user": "Root;"}, "--user cannot go into"),
    ],
)
def test_values_that_would_break_the_files_are_refused(tmp_path, options, message):
    with pytest.raises(CommandError, match=message):
        render(tmp_path, **options)
    assert not (tmp_path / "out").exists()


def test_media_on_another_host_is_refused_with_a_reason(tmp_path, settings):
    settings.MEDIA_URL = "https://media.example.com/"
    with pytest.raises(CommandError, match="MEDIA_URL is 'https://media.example.com/'"):
        render(tmp_path)
