"""What the benchmarks share: free ports, gunicorn, the load generator, one-client timing.

Traffic only ever goes to 127.0.0.1, and every load is bounded in time.
"""

import http.client
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def free_port(candidates=None):
    """Return a free port on 127.0.0.1: the first free one of ``candidates``, else any."""
    for port in candidates or ():
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    if candidates:
        raise SystemExit(f"no free port in {candidates[0]}–{candidates[-1]}")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env, *args, root=ROOT):
    subprocess.run([PYTHON, "manage.py", *args], cwd=root, env=env, check=True)


def wait_for(port, deadline=30):
    stop = time.monotonic() + deadline
    while time.monotonic() < stop:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn did not start on port {port}")


def start_server(env, workers, root=ROOT, ports=None):
    """Start gunicorn on ``bench.wsgi`` in ``root`` on a free port; return (process, port)."""
    port = free_port(ports)
    gunicorn = shutil.which("gunicorn", path=str(Path(PYTHON).parent)) or "gunicorn"
    command = [gunicorn, "bench.wsgi", "-w", str(workers), "-b", f"127.0.0.1:{port}"]
    # A slow page under load must not be killed mid-measurement by the worker timeout.
    command += ["--timeout", "120", "--log-level", "warning"]
    server = subprocess.Popen(command, cwd=root, env=env)
    wait_for(port)
    wait_for_response(port, "/bench/bare/")
    return server, port


def wait_for_response(port, path, deadline=60):
    """Wait until a worker answers: the port opens before the workers have booted."""
    stop = time.monotonic() + deadline
    while time.monotonic() < stop:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", path)
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn on port {port} did not answer {path}")


def stop_server(server):
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)


def load_with_wrk(url, seconds, connections, headers=()):
    """Return (requests per second, non-2xx/3xx responses) from wrk for ``seconds``."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s"]
    for header in headers:
        command += ["-H", header]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    failed = int(errors.group(1)) if errors else 0
    if socket_errors:
        failed += sum(int(n) for n in socket_errors.groups())
    return rate, failed


def _split_url(url):
    parsed = re.match(r"http://([^:/]+):(\d+)(/.*)", url)
    return parsed.group(1), int(parsed.group(2)), parsed.group(3)


def _header_dict(headers):
    return dict(header.split(": ", 1) for header in headers)


def load_with_threads(url, seconds, connections, headers=()):
    """Fallback load generator: keep-alive HTTP/1.1 clients in threads, bounded in time."""
    host, port, path = _split_url(url)
    extra = _header_dict(headers)
    counts, errors = [0] * connections, [0] * connections
    stop = time.monotonic() + seconds

    def client(index):
        conn = http.client.HTTPConnection(host, port, timeout=30)
        while time.monotonic() < stop:
            conn.request("GET", path, headers=extra)
            response = conn.getresponse()
            response.read()
            counts[index] += 1
            errors[index] += response.status >= 400

    threads = [threading.Thread(target=client, args=(i,)) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / seconds, sum(errors)


def load_generator():
    """Return wrk's loader where wrk is installed, else the threaded one."""
    return load_with_wrk if shutil.which("wrk") else load_with_threads


def time_requests(url, count, warmups=3, headers=(), max_seconds=15, timeout=120):
    """Time ``count`` sequential requests on one keep-alive connection after ``warmups``.

    Return (sorted latencies in seconds, status codes seen, bytes of the last body).
    Stops early, after at least five requests, once ``max_seconds`` have passed, so a
    page taking seconds does not hold the run for minutes.
    """
    host, port, path = _split_url(url)
    extra = _header_dict(headers)
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    statuses, latencies, size = [], [], 0
    stop = time.monotonic() + max_seconds
    for number in range(warmups + count):
        started = time.perf_counter()
        conn.request("GET", path, headers=extra)
        response = conn.getresponse()
        body = response.read()
        elapsed = time.perf_counter() - started
        statuses.append(response.status)
        if number >= warmups:
            latencies.append(elapsed)
            size = len(body)
            if len(latencies) >= 5 and time.monotonic() > stop:
                break
    conn.close()
    return sorted(latencies), statuses, size


def percentile(sorted_values, share):
    """Return the ``share`` (0–1) percentile of already sorted values (nearest rank)."""
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(share * len(sorted_values) + 0.5) - 1))
    return sorted_values[index]
