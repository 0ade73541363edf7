#!/usr/bin/python3
"""Stand-in for grafana (the smoke run's own file; grafana has no Debian package). It is not grafana.

What it does as grafana would, so the stack's faults show: it reads every GF_<SECTION>_<KEY>__FILE variable
into GF_<SECTION>_<KEY> as the image's run.sh does (an unreadable file stops it), opens its SQLite database
grafana.db in GF_PATHS_DATA (a data folder it cannot write stops it), needs GF_PATHS_PROVISIONING to be a
readable folder, and listens on GF_SERVER_HTTP_PORT (3000). It answers /api/health and /metrics, also under
the path of GF_SERVER_ROOT_URL when GF_SERVER_SERVE_FROM_SUB_PATH is true; no dashboards, no datasources.
"""

import os
import sqlite3
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse


def fail(message):
    print(f"grafana stand-in: {message}", file=sys.stderr, flush=True)
    sys.exit(1)


for name in [n for n in os.environ if n.startswith("GF_") and n.endswith("__FILE")]:
    try:
        with open(os.environ[name], encoding="utf-8") as secret:
            os.environ[name[: -len("__FILE")]] = secret.read()
    except OSError as error:
        fail(f"{name}: {error}")

DATA = os.environ.get("GF_PATHS_DATA", "/var/lib/grafana")
PROVISIONING = os.environ.get("GF_PATHS_PROVISIONING", "/etc/grafana/provisioning")
PORT = int(os.environ.get("GF_SERVER_HTTP_PORT", "3000"))
SUB_PATH = (
    urlparse(os.environ.get("GF_SERVER_ROOT_URL", "")).path.rstrip("/")
    if os.environ.get("GF_SERVER_SERVE_FROM_SUB_PATH", "").lower() == "true"
    else ""
)

if not os.access(PROVISIONING, os.R_OK | os.X_OK) or not os.path.isdir(PROVISIONING):
    fail(f"provisioning folder {PROVISIONING} is not a readable folder")
try:
    with sqlite3.connect(os.path.join(DATA, "grafana.db")) as database:
        database.execute("CREATE TABLE IF NOT EXISTS standin (started TEXT)")
        database.execute("INSERT INTO standin VALUES (datetime('now'))")
except sqlite3.Error as error:
    fail(f"cannot write its database in {DATA}: {error}")


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's naming
        path = self.path.split("?", 1)[0]
        if SUB_PATH and path.startswith(SUB_PATH + "/"):
            path = path[len(SUB_PATH) :]
        if path == "/api/health":
            body, kind, status = b'{"database":"ok","version":"stand-in"}', "application/json", 200
        elif path == "/metrics":
            body, kind, status = b"# TYPE grafana_standin_up gauge\ngrafana_standin_up 1\n", "text/plain; version=0.0.4", 200
        else:
            body, kind, status = b"grafana stand-in: only /api/health and /metrics\n", "text/plain", 404
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_HEAD = do_GET

    def log_message(self, fmt, *args):
        pass


if __name__ == "__main__":
    print(f"grafana stand-in (not grafana) on :{PORT}{SUB_PATH or ''}", flush=True)
    ThreadingHTTPServer(("0.0.0.0", PORT), Handler).serve_forever()
