"""The production setup of deploy/, run for real: Debian's nginx in front of gunicorn.

The nginx site and gunicorn config are the repository's own, rendered by
``manage.py render_deploy_config`` from the production settings (newsroom.settings.prod)
exactly as the README tells an operator to, with a self-signed certificate made here by
openssl. nginx listens on 127.0.0.1:8750 (HTTP) and 8751 (HTTPS), gunicorn on 8752, all
against the test database (the SQLite file, or PostgreSQL's test database). Readers
are told apart by the address they connect from: 127.0.0.1 and 127.0.0.2 are both this
machine's loopback, so the test can be two different clients.

nginx and openssl must be installed (CI installs nginx with apt-get); without them
these tests fail, saying so.
"""

import gzip
import http.client
import http.cookies
import io
import os
import re
import shutil
import signal
import socket
import ssl
import struct
import subprocess
import sys
import time
import urllib.parse
import uuid
import zlib
from pathlib import Path

import pytest
from django.db import connection
from PIL import Image as PILImage

from articles.models import Image
from comments.models import Comment
from comments.posting import FLOOD_MESSAGE
from tests.factories import make_article, make_user

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.frontserver]

ROOT = Path(__file__).resolve().parent.parent
PUBLIC_HOST = "news.example.test"
HTTP_PORT, HTTPS_PORT, APP_PORT = 8750, 8751, 8752
# Small, so that pictures at and over the limit are quick to make and send.
UPLOAD_LIMIT_MB = 2
LIMIT_SENTENCE = f"pictures may be at most {UPLOAD_LIMIT_MB} MB"
EDITOR_PASSWORD = "front-door-editor-password"
READER, OTHER_READER = "127.0.0.1", "127.0.0.2"


def tool(name):
    path = shutil.which(name, path=f"{os.environ.get('PATH', '')}:/usr/sbin:/sbin")
    if path is None:
        raise AssertionError(f"{name} is not installed: apt-get install {name} (CI does).")
    return path


def database_environment():
    """Point the server at the database the tests write to (and commit)."""
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        return {"SQLITE_PATH": database["NAME"]}
    credentials = urllib.parse.quote(database["USER"] or "", safe="")
    if database["PASSWORD"]:
        credentials += ":" + urllib.parse.quote(database["PASSWORD"], safe="")
    host = f"{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}"
    return {"DATABASE_URL": f"postgres://{credentials}@{host}/{database['NAME']}"}


def run(command, environment):
    """Run ``command`` in the checkout; fail with its output unless it succeeds."""
    result = subprocess.run(  # noqa: S603 - fixed commands
        command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, f"{command} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def nginx_main_config(folder, site):
    """Return an nginx.conf of this test's own: its pid, logs and temp files in ``folder``.

    Debian's /etc/nginx/nginx.conf does the same for the real service: the http block
    includes the site file (there from sites-enabled/).
    """
    temp = folder / "nginx-temp"
    temp.mkdir()
    # Run as root (as CI is), nginx's workers would run as nobody, who cannot read the
    # test's private temporary folders.
    user = "user root;\n" if os.geteuid() == 0 else ""
    return f"""{user}worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log;
events {{ worker_connections 128; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {folder}/nginx-access.log;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {site};
}}
"""


class Stack:
    """nginx and gunicorn as started for the tests, with their environment."""

    def __init__(self, folder, environment, certificate):
        self.folder = folder
        self.environment = environment
        self.certificate = certificate
        self.processes = []

    def start(self, name, command):
        log = open(self.folder / f"{name}.log", "wb")  # noqa: SIM115 - closed in stop()
        process = subprocess.Popen(  # noqa: S603 - fixed commands
            command,
            cwd=ROOT,
            env=self.environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes.append((process, log))

    def logs(self):
        return "\n".join(
            f"--- {path.name}\n{path.read_text(errors='replace')[-3000:]}"
            for path in sorted(self.folder.glob("*.log"))
        )

    def wait_for_log_line(self, name, pattern, seconds=10):
        """Return whether a line matching ``pattern`` reaches log ``name`` within ``seconds``.

        gunicorn writes a request's access line after the response has gone out.
        """
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if re.search(pattern, (self.folder / name).read_text(errors="replace"), re.M):
                return True
            time.sleep(0.1)
        return False

    def stop(self):
        for process, log in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=10)
            log.close()


@pytest.fixture(scope="module")
def front(tmp_path_factory, django_db_setup, django_db_blocker):
    """Start nginx (deploy/nginx/newsroom.conf) in front of gunicorn (deploy/gunicorn.conf.py)."""
    nginx, openssl = tool("nginx"), tool("openssl")
    for port in (HTTP_PORT, HTTPS_PORT, APP_PORT):
        with socket.socket() as probe:
            # As nginx and gunicorn bind: closed connections in TIME_WAIT do not count.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                raise AssertionError(
                    f"Port {port} is taken; the front server test needs it."
                ) from None
    folder = tmp_path_factory.mktemp("front")
    certificate, key = folder / "certificate.pem", folder / "key.pem"
    run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"]
        + ["-subj", f"/CN={PUBLIC_HOST}", "-addext", f"subjectAltName=DNS:{PUBLIC_HOST}"]
        + ["-keyout", str(key), "-out", str(certificate)],
        os.environ,
    )
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    with django_db_blocker.unblock():
        environment.update(database_environment())
    environment.update(
        {
            # What an operator's EnvironmentFile holds (README, "Production").
            "DJANGO_SETTINGS_MODULE": "newsroom.settings.prod",
            "SECRET_KEY": "front-server-test-" + uuid.uuid4().hex * 2,
            "ALLOWED_HOSTS": PUBLIC_HOST,
            "CSRF_TRUSTED_ORIGINS": f"https://{PUBLIC_HOST}",
            "TRUSTED_PROXY_COUNT": "1",
            "SECURE_PROXY_SSL_HEADER": "1",
            "STATIC_ROOT": str(folder / "static"),
            "MEDIA_ROOT": str(folder / "media"),
            "PRIVATE_MEDIA_ROOT": str(folder / "private-media"),
            "CACHE_URL": f"file://{folder / 'cache'}",
            "IMAGE_MAX_UPLOAD_MB": str(UPLOAD_LIMIT_MB),
            "GUNICORN_BIND": f"127.0.0.1:{APP_PORT}",
            "WEB_CONCURRENCY": "2",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            # The tests write rows straight into the database, which the server's page
            # cache would not hear about; and a reader may post as soon as the form shows.
            "PAGE_CACHE_SECONDS": "0",
            "COMMENTS_MIN_SECONDS": "0",
            "PYTHONPATH": str(ROOT),
        }
    )
    manage = [sys.executable, "manage.py"]
    run(manage + ["collectstatic", "--noinput", "-v", "0"], environment)
    run(
        manage
        + ["render_deploy_config", "--output", str(folder / "deploy")]
        + ["--server-name", PUBLIC_HOST]
        + ["--http-listen", f"127.0.0.1:{HTTP_PORT}", "--https-listen", f"127.0.0.1:{HTTPS_PORT}"]
        + ["--certificate", str(certificate), "--certificate-key", str(key)],
        environment,
    )
    main_config = folder / "nginx.conf"
    main_config.write_text(nginx_main_config(folder, folder / "deploy/nginx/newsroom.conf"))
    nginx_command = [
        nginx,
        "-c",
        str(main_config),
        "-p",
        str(folder),
        "-e",
        str(folder / "nginx-error.log"),
    ]
    run(nginx_command + ["-t"], environment)

    stack = Stack(folder, environment, certificate)
    try:
        stack.start(
            "gunicorn",
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--config",
                "deploy/gunicorn.conf.py",
                "newsroom.wsgi",
            ],
        )
        stack.start("nginx", nginx_command + ["-g", "daemon off;"])
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _, _ = Client(READER, certificate).get("/robots.txt")
                if status == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, f"The stack did not start.\n{stack.logs()}"
            time.sleep(0.3)
        yield stack
    finally:
        stack.stop()


class Client:
    """A browser on this machine at ``address``, speaking HTTPS to nginx, keeping cookies.

    It connects to 127.0.0.1 but asks for the site by its public name (SNI and Host),
    as a browser does through DNS. It sends Origin as a browser on the real site would
    (port 443, so no port in it).
    """

    def __init__(self, address, certificate):
        self.address = address
        self.cookies = {}
        # The test's own certificate is the only one trusted: TLS is checked for real.
        self.context = ssl.create_default_context(cafile=str(certificate))

    def connection(self, port=HTTPS_PORT, secure=True):
        if not secure:
            return http.client.HTTPConnection(
                "127.0.0.1", port, timeout=60, source_address=(self.address, 0)
            )
        context = self.context

        class PublicNameConnection(http.client.HTTPSConnection):
            def connect(self):
                http.client.HTTPConnection.connect(self)
                self.sock = context.wrap_socket(self.sock, server_hostname=PUBLIC_HOST)

        return PublicNameConnection(
            "127.0.0.1", port, timeout=60, source_address=(self.address, 0), context=context
        )

    def request(self, method, path, body=None, headers=None, port=HTTPS_PORT, secure=True):
        """Return (status, headers, body bytes) of one request on a new connection."""
        headers = {"Host": PUBLIC_HOST, **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if method == "POST":
            headers.setdefault("Origin", f"https://{PUBLIC_HOST}")
        connection = self.connection(port, secure)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = http.cookies.SimpleCookie(header)
            self.cookies.update({name: morsel.value for name, morsel in cookie.items()})
        return response.status, response.headers, content

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, fields, files=(), headers=None):
        if files:
            body, content_type = multipart(fields, files)
        else:
            body = urllib.parse.urlencode(fields).encode()
            content_type = "application/x-www-form-urlencoded"
        return self.request(
            "POST", path, body=body, headers={"Content-Type": content_type, **(headers or {})}
        )


def multipart(fields, files):
    """Encode a form with files as a browser does (multipart/form-data)."""
    boundary = "----newsroom" + uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        disposition = f'Content-Disposition: form-data; name="{name}"'
        parts.append(f"--{boundary}\r\n{disposition}\r\n\r\n{value}\r\n".encode())
    for name, filename, content_type, content in files:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def hidden_inputs(page):
    """Return the hidden fields of the page's forms, by name, as a browser would send them."""
    fields = {}
    for tag in re.findall(r"<input\b[^>]*>", page):
        attributes = dict(re.findall(r'([a-z_-]+)="([^"]*)"', tag))
        if attributes.get("type") == "hidden" and "name" in attributes:
            fields[attributes["name"]] = attributes.get("value", "")
    return fields


def png_of_exact_size(size):
    """Return a real PNG of noise, exactly ``size`` bytes long.

    Noise does not compress, so the picture's pixels come close to the size; a private
    ancillary chunk (which decoders skip, as the PNG standard says) makes up the rest.
    """
    side = int(((size - 4096) / 3) ** 0.5)
    picture = PILImage.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    buffer = io.BytesIO()
    picture.save(buffer, "PNG", compress_level=1)
    png = buffer.getvalue()
    padding = size - len(png) - 12
    assert padding >= 0
    chunk_type, data = b"paDd", bytes(padding)
    chunk = struct.pack(">I", padding) + chunk_type + data
    chunk += struct.pack(">I", zlib.crc32(chunk_type + data))
    # Before the final IEND chunk (the last 12 bytes).
    png = png[:-12] + chunk + png[-12:]
    assert len(png) == size
    return png


def test_a_reader_gets_pages_and_static_files_over_https_through_nginx(front):
    article = make_article(headline="Harbour reopens to ferries")
    reader = Client(READER, front.certificate)

    # Straight to gunicorn, without nginx's X-Forwarded-Proto, Django sends readers to HTTPS.
    app = http.client.HTTPConnection("127.0.0.1", APP_PORT, timeout=30)
    app.request("GET", "/", headers={"Host": PUBLIC_HOST})
    response = app.getresponse()
    assert (response.status, response.headers["Location"]) == (301, f"https://{PUBLIC_HOST}/")
    app.close()

    status, headers, body = reader.get("/", headers={"Accept-Encoding": "gzip"})
    # 200, not that redirect: Django saw nginx's X-Forwarded-Proto and knows it is HTTPS.
    assert status == 200, front.logs()
    assert headers["Content-Encoding"] == "gzip"
    home = gzip.decompress(body).decode()
    assert "Harbour reopens to ferries" in home
    assert headers["Strict-Transport-Security"].startswith("max-age=")

    status, _, body = reader.get(article.get_absolute_url())
    assert status == 200
    assert "<h1" in body.decode() and "Harbour reopens to ferries" in body.decode()

    stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', home).group(1)
    on_disk = (front.folder / "static" / stylesheet.removeprefix("/static/")).read_bytes()
    status, headers, body = reader.get(stylesheet, headers={"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert headers["Content-Encoding"] == "gzip"
    assert headers["Vary"] == "Accept-Encoding"
    assert gzip.decompress(body) == on_disk
    status, headers, body = reader.get(stylesheet)
    assert (status, headers["Content-Encoding"], body) == (200, None, on_disk)
    # An unhashed name may change on the next deploy: cached for an hour only.
    status, headers, _ = reader.get("/static/css/site.css")
    assert (status, headers["Cache-Control"]) == (200, "public, max-age=3600")

    status, headers, _ = reader.get("/tag/x/?page=2", port=HTTP_PORT, secure=False)
    assert status == 301
    assert headers["Location"] == f"https://{PUBLIC_HOST}:{HTTPS_PORT}/tag/x/?page=2"
    # Another host name never reaches the app: nginx closes the connection unanswered.
    with pytest.raises(http.client.RemoteDisconnected):
        reader.get("/", port=HTTP_PORT, secure=False, headers={"Host": "other.example"})


def post_comment(reader, article, email, headers=None):
    """Load the article as ``reader``, fill in Leave a Reply, post it; return the answer."""
    status, _, page = reader.get(article.get_absolute_url())
    assert status == 200
    fields = hidden_inputs(page.decode())
    fields.update(
        comment=f"A comment from {email}.", author=email.split("@")[0], email=email, url=""
    )
    return reader.post(f"/comments/post/{article.pk}/", fields, headers=headers)


def test_the_comment_flood_limit_sees_each_reader_and_not_nginx(front):
    article = make_article()
    reader, other_reader = (
        Client(READER, front.certificate),
        Client(OTHER_READER, front.certificate),
    )

    status, headers, _ = post_comment(reader, article, "first@example.com")
    assert status == 302, front.logs()
    assert "#comment-" in headers["Location"]
    # The same reader again, claiming to be someone else in X-Forwarded-For: nginx
    # appends the address it sees, and the app reads that one, so the claim is ignored.
    status, headers, page = post_comment(
        reader, article, "second@example.com", headers={"X-Forwarded-For": "203.0.113.9"}
    )
    assert status == 429
    assert FLOOD_MESSAGE in page.decode()
    assert int(headers["Retry-After"]) > 0
    # A different reader at the same moment is not held back by the first one's post.
    status, _, _ = post_comment(other_reader, article, "third@example.com")
    assert status == 302

    stored = dict(Comment.objects.values_list("email", "ip_address"))
    assert stored == {"first@example.com": READER, "third@example.com": OTHER_READER}
    # gunicorn's access log names the reader, not nginx.
    line = rf"^{re.escape(OTHER_READER)} .*\"POST /comments/post/"
    assert front.wait_for_log_line("gunicorn.log", line), front.logs()


def test_pictures_at_and_over_the_upload_limit_get_the_same_message_from_nginx_and_the_form(
    front, settings
):
    # The server checks passwords with the production hashers, not the tests' fast one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    make_user(username="desk", password=EDITOR_PASSWORD, is_staff=True, is_superuser=True)
    editor = Client(READER, front.certificate)
    status, _, page = editor.get("/admin/login/?next=/admin/")
    assert status == 200
    fields = hidden_inputs(page.decode())
    fields.update(username="desk", password=EDITOR_PASSWORD, next="/admin/")
    status, headers, _ = editor.post("/admin/login/?next=/admin/", fields)
    assert (status, headers["Location"]) == (302, "/admin/"), front.logs()

    def upload(size):
        status, _, page = editor.get("/admin/articles/image/add/")
        assert status == 200
        fields = hidden_inputs(page.decode())
        fields.update(alt_text="Ferries at the quay", caption="The harbour", credit="Desk")
        picture = ("file", "harbour.png", "image/png", png_of_exact_size(size))
        return editor.post("/admin/articles/image/add/", fields, files=[picture])

    limit = UPLOAD_LIMIT_MB * 1024 * 1024
    status, headers, _ = upload(limit)
    assert (status, headers["Location"]) == (302, "/admin/articles/image/"), front.logs()
    picture = Image.objects.get()
    assert picture.file_size == limit

    # Over the limit, but not by more than the rest of a form could weigh: nginx lets it
    # through and the form says how big the file is and what the limit is.
    status, _, page = upload(limit + limit // 4)
    assert status == 200
    assert f"This file is {UPLOAD_LIMIT_MB * 1.25:.1f} MB; {LIMIT_SENTENCE}." in page.decode()
    # Far over: nginx refuses it before gunicorn reads a byte, saying the same limit.
    status, headers, page = upload(limit * 2)
    assert status == 413
    assert headers["Content-Type"].startswith("text/html")
    assert "<h1>Upload too large</h1>" in page.decode()
    assert LIMIT_SENTENCE in page.decode()
    assert Image.objects.count() == 1

    # The task worker makes the renditions; nginx serves them, and never the original.
    run(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay"],
        front.environment,
    )
    rendition = picture.renditions.order_by("width").first()
    assert rendition is not None, front.logs()
    status, headers, body = editor.get(f"/media/{rendition.file.name}")
    assert status == 200
    assert headers["Cache-Control"] == "public, max-age=2592000"
    assert headers["Content-Type"] == rendition.mime_type
    assert body == (front.folder / "media" / rendition.file.name).read_bytes()
    status, _, _ = editor.get(f"/media/{picture.file.name}")
    assert status == 404
