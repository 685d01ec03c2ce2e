"""Several app processes behind one address: N Streamlit servers (each warmed up, see
``aeviz/ui/launch.py``) on loopback ports, and nginx in front of them.

    python -m aeviz.serve --replicas 2 --port 8501 [--host 0.0.0.0] [--sticky cookie|ip]
    make serve REPLICAS=2 PORT=8501

A Streamlit session lives in one process and in one websocket, so every request of a browser must
reach the same replica (sticky sessions): by default a cookie (``aeviz_route``, set on the first
response; one class behind one school NAT still spreads over the replicas), or the client address
(``--sticky ip``: nginx's ip_hash). nginx upgrades ``/_stcore/stream`` to a websocket and keeps it
open. All replicas share one cookie secret, so Streamlit's XSRF cookie is valid on each of them.
nginx also gzips text and keeps Streamlit's own files (content-hashed, so never stale) in a cache,
so a class arriving at once costs the replicas one request per file.
The nginx configuration, its pid, logs and temp files go to a fresh runtime folder (printed at
start; nothing under /etc or /var is touched, root is not needed). Ctrl-C stops everything.

Needs Debian's ``nginx`` package (``apt-get install -y nginx``). No Streamlit import here: this
module only starts processes.
"""
from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NGINX = os.environ.get("AEVIZ_NGINX", shutil.which("nginx") or "/usr/sbin/nginx")

NGINX_CONF = """\
worker_processes 1;
pid {run}/nginx.pid;
error_log {run}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {run}/client_body;
    proxy_temp_path {run}/proxy;
    fastcgi_temp_path {run}/fastcgi;
    uwsgi_temp_path {run}/uwsgi;
    scgi_temp_path {run}/scgi;
    # A browser without the route cookie gets a random one; the cookie then keeps it on its replica.
    map $cookie_aeviz_route $aeviz_route {{ "" $request_id; default $cookie_aeviz_route; }}
    map $cookie_aeviz_route $aeviz_set_cookie {{ "" "aeviz_route=$request_id; Path=/; HttpOnly; SameSite=Lax"; default ""; }}
    map $http_upgrade $connection_upgrade {{ default upgrade; "" close; }}
    # Streamlit's own page is ~100 files, ~3.3 MB, that every student's first visit downloads; Streamlit
    # sends them uncompressed and leaves compressing to the proxy. nginx compresses text on the way out
    # (1.32 MB a student instead of 3.28 on a classroom's shared Wi-Fi) ...
    gzip on;
    gzip_comp_level 5;
    gzip_min_length 1024;
    gzip_proxied any;
    gzip_vary on;
    gzip_types application/javascript text/javascript text/css application/json image/svg+xml font/ttf;
    # ... and keeps the files themselves: their names carry a hash of their content, so a cached copy
    # is never stale, and the replicas' Python is left to the sessions instead of serving files 30 times.
    proxy_cache_path {run}/static_cache levels=1:2 keys_zone=aeviz_static:10m max_size=256m inactive=7d use_temp_path=off;
    upstream aeviz {{
        {balance}
{servers}
    }}
    server {{
        listen {host}:{port};
        client_max_body_size 6m;
        location / {{
            proxy_pass http://aeviz;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            # The browser's Host (with its port): Streamlit compares it with the websocket's Origin.
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_read_timeout 1d;
            proxy_send_timeout 1d;
            proxy_buffering off;
            add_header Set-Cookie $aeviz_set_cookie;
            add_header X-Aeviz-Upstream $upstream_addr always;
        }}
        location /static/ {{
            proxy_pass http://aeviz;
            proxy_http_version 1.1;
            proxy_set_header Host $http_host;
            # One copy for every browser: ask the replica for the plain bytes, compress here per client.
            proxy_set_header Accept-Encoding "";
            proxy_cache aeviz_static;
            proxy_cache_valid 200 7d;
            proxy_cache_lock on;  # a class arriving at once: one request per file reaches a replica
            add_header X-Aeviz-Cache $upstream_cache_status always;
        }}
    }}
}}
"""


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def nginx_config(run: Path, host: str, port: int, upstreams: list[int], sticky: str = "cookie") -> str:
    balance = "ip_hash;" if sticky == "ip" else "hash $aeviz_route consistent;"
    servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=0;" for p in upstreams)
    return NGINX_CONF.format(run=run, host=host, port=port, balance=balance, servers=servers)


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


class Cluster:
    """N replicas + nginx. ``start()`` returns once the proxy answers and (``wait_warm``) every
    replica has warmed up; ``stop()`` ends them all."""

    def __init__(self, replicas: int, port: int, host: str = "127.0.0.1", sticky: str = "cookie",
                 warm: bool = True, run_dir: Path | None = None, env: dict | None = None):
        if replicas < 1:
            raise ValueError("at least one replica")
        if not Path(NGINX).exists():
            raise FileNotFoundError(f"nginx not found ({NGINX}); install it: apt-get install -y nginx")
        self.replicas, self.port, self.host, self.sticky, self.warm = replicas, port, host, sticky, warm
        self.run = Path(run_dir or tempfile.mkdtemp(prefix="aeviz-serve-"))
        self.env = {**os.environ, **(env or {})}
        self.ports: list[int] = []
        self.procs: list[subprocess.Popen] = []
        self.nginx: subprocess.Popen | None = None
        self.url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '') else host}:{port}"

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self.procs]

    def start(self, timeout: float = 240.0) -> None:
        secret = secrets.token_hex(16)
        for i in range(self.replicas):
            port = free_port()
            self.ports.append(port)
            log = open(self.run / f"replica-{i}.log", "w")
            cmd = [sys.executable, "-m", "aeviz.ui.launch", *([] if self.warm else ["--no-warm"]),
                   f"--server.port={port}", "--server.address=127.0.0.1", "--server.headless=true",
                   "--browser.gatherUsageStats=false"]
            env = {**self.env, "STREAMLIT_SERVER_COOKIE_SECRET": secret}  # not allowed as a flag
            self.procs.append(subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT))
        for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.run / sub).mkdir(exist_ok=True)
        # Started as root, nginx runs its workers as nobody, and they write inside this folder: a body
        # over 16 KB (an uploaded photo) goes to client_body/, a static file to the cache. mkdtemp's
        # 0700 kept them out, so every such request failed with a 500. 0711 lets them through
        # without letting anyone list the folder.
        self.run.chmod(0o711)
        conf = self.run / "nginx.conf"
        conf.write_text(nginx_config(self.run, self.host, self.port, self.ports, self.sticky))
        deadline = time.time() + timeout
        pending = set(range(self.replicas))
        while pending:
            for i in sorted(pending):
                if self.procs[i].poll() is not None:
                    raise RuntimeError(f"replica {i} exited; see {self.run / f'replica-{i}.log'}")
                log = (self.run / f"replica-{i}.log").read_text(errors="replace")
                if _healthy(f"http://127.0.0.1:{self.ports[i]}") and (not self.warm or "aeviz: warm" in log):
                    pending.discard(i)
            if time.time() > deadline:
                raise TimeoutError(f"replicas {sorted(pending)} not ready within {timeout:.0f} s")
            time.sleep(0.3)
        self.nginx = subprocess.Popen([NGINX, "-p", str(self.run), "-e", str(self.run / "error.log"),
                                       "-c", str(conf), "-g", "daemon off;"],
                                      stdout=open(self.run / "nginx.out", "w"), stderr=subprocess.STDOUT)
        while not _healthy(self.url):
            if self.nginx.poll() is not None:
                raise RuntimeError(f"nginx exited: {(self.run / 'nginx.out').read_text()}{self._error_log()}")
            if time.time() > deadline:
                raise TimeoutError("nginx did not answer")
            time.sleep(0.2)
        self._check_page_script()

    def _error_log(self) -> str:
        log = self.run / "error.log"
        return log.read_text(errors="replace")[-2000:] if log.exists() else ""

    def _check_page_script(self) -> None:
        """Fetch the page's main script through the proxy, so that a proxy that cannot serve the page
        (its workers unable to write the cache) fails here, with nginx's reason, not in every
        student's browser. It also puts the largest file in the cache before the class arrives."""
        with urllib.request.urlopen(f"{self.url}/", timeout=30) as r:
            script = re.search(r'src="\.?/?(static/[^"]+\.js)"', r.read().decode(errors="replace"))
        if script is None:
            return
        try:
            urllib.request.urlopen(f"{self.url}/{script.group(1)}", timeout=30).close()
        except urllib.error.HTTPError as e:
            raise RuntimeError(f"nginx could not serve the page's script (HTTP {e.code}): {self._error_log()}") from None

    def stop(self) -> None:
        for p in ([self.nginx] if self.nginx else []) + self.procs:
            if p.poll() is None:
                p.terminate()
        for p in ([self.nginx] if self.nginx else []) + self.procs:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
        # The logs stay for a look after a crash; the cached copies of Streamlit's files (~3 MB) do not.
        shutil.rmtree(self.run / "static_cache", ignore_errors=True)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--replicas", type=int, default=2)
    ap.add_argument("--port", type=int, default=8501, help="the one address students open")
    ap.add_argument("--host", default="0.0.0.0", help="where nginx listens (0.0.0.0: the whole network)")
    ap.add_argument("--sticky", choices=("cookie", "ip"), default="cookie")
    ap.add_argument("--no-warm", dest="warm", action="store_false")
    args = ap.parse_args(argv)
    try:
        cluster = Cluster(args.replicas, args.port, args.host, args.sticky, args.warm)
    except (FileNotFoundError, ValueError) as e:
        sys.exit(f"error: {e}")
    stop = lambda *_: (_ for _ in ()).throw(KeyboardInterrupt)  # noqa: E731 - SIGTERM ends like Ctrl-C
    signal.signal(signal.SIGTERM, stop)
    try:
        print(f"starting {args.replicas} replica(s); runtime folder {cluster.run}", flush=True)
        cluster.start()
        print(f"aeviz: {args.replicas} replica(s) on 127.0.0.1:{','.join(map(str, cluster.ports))} "
              f"behind nginx at http://{args.host}:{args.port} (pids {','.join(map(str, cluster.pids))})",
              flush=True)
        while all(p.poll() is None for p in cluster.procs + [cluster.nginx]):
            time.sleep(1)
        print("a process exited; stopping", flush=True)
    except KeyboardInterrupt:
        pass
    except (RuntimeError, TimeoutError) as e:
        print(f"error: {e}", flush=True)
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
