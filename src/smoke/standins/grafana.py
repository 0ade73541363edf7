#!/usr/bin/python3
"""Stand-in for grafana (the smoke run's own file, not generated; grafana has no Debian package).

It answers what the stack asks of grafana, /api/health and /metrics, on GF_SERVER_HTTP_PORT (3000), and
serves under GF_SERVER_SERVE_FROM_SUB_PATH's prefix too. It checks nothing of grafana's own configuration.
"""

import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT = int(os.environ.get("GF_SERVER_HTTP_PORT", "3000"))


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's naming
        path = self.path.split("?", 1)[0]
        if path.endswith("/api/health"):
            body, kind, status = b'{"database":"ok","standIn":true}', "application/json", 200
        elif path.endswith("/metrics"):
            body, kind, status = b"# TYPE grafana_standin_up gauge\ngrafana_standin_up 1\n", "text/plain; version=0.0.4", 200
        else:
            body, kind, status = b"grafana stand-in", "text/plain", 200
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):
        pass


if __name__ == "__main__":
    print(f"grafana stand-in on :{PORT}", flush=True)
    ThreadingHTTPServer(("0.0.0.0", PORT), Handler).serve_forever()
