"""gunicorn settings for Newsroom behind nginx on the same machine.

Used as ``gunicorn --config deploy/gunicorn.conf.py newsroom.wsgi`` by
``newsroom-web.service``. Every value can be changed without editing this file, through
the environment (the service's EnvironmentFile); the defaults, and why, are below.
"""

import os

from gunicorn.glogging import Logger


def _cores():
    # The cores this process may run on, which in a container or under taskset can be
    # fewer than the machine has.
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def _env_int(name, default):
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


# Where nginx sends requests (the nginx site's upstream names the same address).
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Synchronous workers: every request is short (pages come from the page cache or a
# fixed number of queries; mail and renditions are the task worker's), and nginx buffers
# slow clients' uploads and downloads, so a worker is never held by a slow network.
# 2 × cores + 1 keeps the cores busy while some workers wait on the database.
# WEB_CONCURRENCY is the variable gunicorn itself and most platforms use for this.
workers = _env_int("WEB_CONCURRENCY", 2 * _cores() + 1)

# The slowest legitimate request is a picture upload at IMAGE_MAX_UPLOAD_MB: nginx has
# already received the whole body, so the worker only parses it and decodes the picture
# once to check it, about half a second for a 40-megapixel, 13 MB JPEG on a 2-core
# machine. Its renditions take 26-32 s there, which is why they are the task worker's
# job: inside a request they would outlast this timeout. 30 s leaves a busy machine
# plenty of room and still ends a request that hangs.
timeout = _env_int("GUNICORN_TIMEOUT", 30)
# A restart (systemctl restart) lets requests in progress finish for this long.
graceful_timeout = _env_int("GUNICORN_GRACEFUL_TIMEOUT", 30)

# Restart each worker after about this many requests, so a slow leak (in a library, a
# cache that grows) can never take the machine's memory. The jitter spreads the
# restarts so that the workers never all restart at the same moment.
max_requests = _env_int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _env_int("GUNICORN_MAX_REQUESTS_JITTER", 100)

# The heartbeat file each worker touches: on tmpfs, so a slow disk cannot make a
# healthy worker look stuck and get it killed. gunicorn makes each file with mkstemp
# and unlinks it at once, so a shared folder is safe.
_shared_memory = "/dev/shm"  # noqa: S108
if os.path.isdir(_shared_memory):
    worker_tmp_dir = _shared_memory

# gunicorn's control socket (for gunicornc) goes in the folder systemd makes for the
# service (RuntimeDirectory); elsewhere there is none, rather than one in $HOME that
# every gunicorn of the same user would share.
_runtime_directory = os.environ.get("RUNTIME_DIRECTORY", "").split(":")[0]
if _runtime_directory:
    control_socket = os.path.join(_runtime_directory, "gunicorn.ctl")
else:
    control_socket_disable = True

# Only nginx on this machine may say that a request came over HTTPS. Only the one
# header nginx sets (X-Forwarded-Proto, overwritten on every request) is read: gunicorn's
# other defaults (X-Forwarded-Ssl, X-Forwarded-Protocol) would be passed through from
# the client untouched.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}

# The access log goes to stdout (the journal). Its first field is the client's address
# as nginx saw it (X-Real-IP, which nginx overwrites), not nginx's own 127.0.0.1; then
# the forwarded chain as received, and the time taken in milliseconds.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = (
    '%({x-real-ip}i)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" '
    'forwarded="%({x-forwarded-for}i)s" %(M)sms'
)


class HealthCheckQuietLogger(Logger):
    """Leave the health check's hits out of the access log.

    A load balancer or monitor asks /healthz every few seconds; a line for each would
    bury the requests people make.
    """

    def access(self, resp, req, environ, request_time):
        if environ.get("PATH_INFO") == "/healthz":
            return
        super().access(resp, req, environ, request_time)


logger_class = HealthCheckQuietLogger
