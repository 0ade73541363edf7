"""Stub upstreams and probes for the live proxy check (generator-portal's own test tool, not generated).

serve CONFIG: answers on each stub port with its name, counting requests per path.
probe CONFIG: sends requests through the front and prints a JSON list of what is wrong.
"""

import http.client
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

COUNTS = {}
LOCK = threading.Lock()


def serve(config):
    for stub in config["stubs"]:
        name, port = stub["name"], stub["port"]

        class Handler(BaseHTTPRequestHandler):
            upstream = name

            def _answer(self):
                if self.path.startswith("/__count?"):
                    body = str(COUNTS.get((self.upstream, self.path[len("/__count?"):]), 0)).encode()
                else:
                    with LOCK:
                        key = (self.upstream, self.path)
                        COUNTS[key] = COUNTS.get(key, 0) + 1
                    body = f"{self.upstream} {self.path}".encode()
                self.send_response(200)
                self.send_header("X-Upstream", self.upstream)
                self.send_header("X-Powered-By", "stub")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_HEAD = _answer

            def log_message(self, *args):
                pass

        server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
    while True:
        time.sleep(3600)


def request(port, method, path, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request(method, path, headers={"Host": CONFIG["host"], **(headers or {})})
    response = connection.getresponse()
    body = response.read().decode(errors="replace")
    connection.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body


def count(upstream, path):
    stub = next(s for s in CONFIG["stubs"] if s["name"] == upstream)
    return int(request(stub["port"], "GET", "/__count?" + path)[2])


def probe(config):
    problems = []
    front = config["front"]
    deadline = time.time() + 20
    while True:
        try:
            status, _, _ = request(front, "GET", "/")
            if status == 200 or time.time() > deadline:
                break
        except OSError:
            if time.time() > deadline:
                problems.append(f"the front on port {front} never answered")
                print(json.dumps(problems))
                return
        time.sleep(0.3)

    def expect(condition, message):
        if not condition:
            problems.append(message)

    for path, upstream in config["routes"]:
        status, headers, body = request(front, "GET", path + "probe")
        expect(status == 200 and headers.get("x-upstream") == upstream, f"GET {path}probe: {status} from {headers.get('x-upstream')}, expected 200 from {upstream}")
        for header in ("via", "x-varnish", "x-powered-by"):
            expect(header not in headers, f"GET {path}probe: answer carries {header}")
        if config["nginx"]:
            expect(headers.get("x-content-type-options") == "nosniff", f"GET {path}probe: no X-Content-Type-Options")
            expect("content-security-policy" in headers, f"GET {path}probe: no Content-Security-Policy")
            expect(headers.get("server") == "nginx", f"GET {path}probe: Server {headers.get('server')!r} is not bare nginx")

    for path in config["hidden"]:
        status, headers, _ = request(front, "GET", path)
        expect(status == 404 and "x-upstream" not in headers, f"GET {path}: {status}, metrics must not be public")

    api = "/api/uncached"
    request(front, "GET", api)
    request(front, "GET", api)
    expect(count("backend", api) == 2, f"GET {api} twice reached the backend {count('backend', api)} time(s): the API must not be cached")

    if config["varnish"] and config["tiles"]:
        tile = "/tiles/demo/1/2/3.pbf"
        first = request(front, "GET", tile)
        second = request(front, "GET", tile)
        expect(count("tileserver", tile) == 1, f"GET {tile} twice reached the tileserver {count('tileserver', tile)} times: tiles must be cached")
        expect(second[1].get("x-cache") == "HIT", f"GET {tile} again: X-Cache {second[1].get('x-cache')}, expected HIT")
        private = "/tiles/demo/1/2/4.pbf"
        for _ in range(2):
            request(front, "GET", private, {"Authorization": "Bearer x"})
        expect(count("tileserver", private) == 2, "tiles asked for with Authorization were served from the cache")
        relayed = request(6081, "PURGE", tile, {"X-Forwarded-For": "203.0.113.9"})
        expect(relayed[0] == 405, f"PURGE relayed with another client's address: {relayed[0]}, expected 405")
        purge = request(6081, "PURGE", tile)
        expect(purge[0] == 200, f"PURGE from the internal network: {purge[0]}, expected 200")
        request(front, "GET", tile)
        expect(count("tileserver", tile) == 2, "after PURGE the tile still came from the cache")
        if config["nginx"]:
            outside = request(front, "PURGE", tile)
            expect(outside[0] in (403, 405), f"PURGE through the public front: {outside[0]}, expected it refused")
    print(json.dumps(problems))


if __name__ == "__main__":
    CONFIG = json.load(open(sys.argv[2]))
    {"serve": serve, "probe": probe}[sys.argv[1]](CONFIG)
