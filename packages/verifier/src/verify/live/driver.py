"""Stub upstreams and probes for the live proxy check (generator-portal's own test tool, not generated).

serve CONFIG: answers on each stub port like an app: its body names the public URL it would build for
  the request (from Forwarded, then X-Forwarded-Host/-Proto/-Port, then Host, as pg_tileserv and the
  frameworks do), the path and method it would serve (honouring X-Original-URL and method overrides);
  paths ending in "redirect" answer 302 to that URL, "lang-redirect" to the language of Accept-Language.
  It counts requests and keeps the headers it received, per path.
probe CONFIG: sends requests through the front and prints a JSON list of what is wrong.
"""

import http.client
import json
import socket
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

COUNTS = {}
SEEN = {}
LOCK = threading.Lock()
FORGED_ADDRESS = "203.0.113.66"
EVIL = "evil.example"


def public_base(headers):
    """The origin an app that trusts forwarding headers builds its links from."""
    forwarded = headers.get("Forwarded")
    if forwarded:
        pairs = dict(part.strip().split("=", 1) for part in forwarded.split(",")[0].split(";") if "=" in part)
        if "host" in pairs and "proto" in pairs:
            return f"{pairs['proto'].strip(chr(34))}://{pairs['host'].strip(chr(34))}"
    host = headers.get("X-Forwarded-Host") or headers.get("Host", "")
    port = headers.get("X-Forwarded-Port")
    if port and ":" not in host:
        host = f"{host}:{port}"
    return f"{headers.get('X-Forwarded-Proto', 'http')}://{host}"


def serve(config):
    for stub in config["stubs"]:
        name, port = stub["name"], stub["port"]

        class Handler(BaseHTTPRequestHandler):
            upstream = name

            def _answer(self):
                status, extra = 200, {}
                if self.path.startswith("/__count?"):
                    body = str(COUNTS.get((self.upstream, self.path[len("/__count?"):]), 0))
                elif self.path.startswith("/__seen?"):
                    body = json.dumps(SEEN.get((self.upstream, self.path[len("/__seen?"):]), []))
                else:
                    with LOCK:
                        key = (self.upstream, self.path)
                        COUNTS[key] = COUNTS.get(key, 0) + 1
                        SEEN.setdefault(key, []).append({k.lower(): v for k, v in self.headers.items()})
                    base = public_base(self.headers)
                    path = self.headers.get("X-Original-URL") or self.headers.get("X-Rewrite-URL") or self.path
                    method = self.headers.get("X-HTTP-Method-Override") or self.headers.get("X-HTTP-Method") or self.command
                    body = json.dumps({"upstream": self.upstream, "path": path, "method": method, "base": base})
                    if "accel-to=" in self.path:
                        # an app that checked the request hands the download to nginx
                        extra = {"X-Accel-Redirect": self.path.split("accel-to=", 1)[1]}
                    elif self.path.endswith("lang-redirect"):
                        # no Vary: an app that forgot it, which a cache must still not share
                        language = (self.headers.get("Accept-Language") or "en")[:2]
                        status, extra = 302, {"Location": f"/{language}/"}
                    elif self.path.endswith("redirect"):
                        status, extra = 302, {"Location": f"{base}{path}/next"}
                encoded = body.encode()
                self.send_response(status)
                self.send_header("X-Upstream", self.upstream)
                self.send_header("X-Powered-By", "stub")
                for header, value in extra.items():
                    self.send_header(header, value)
                self.send_header("Content-Length", str(len(encoded)))
                self.end_headers()
                self.wfile.write(encoded)

            do_GET = do_POST = do_HEAD = do_DELETE = _answer

            def log_message(self, *args):
                pass

        server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
    while True:
        time.sleep(3600)


class TlsConnection(http.client.HTTPConnection):
    """HTTPS to 127.0.0.1 with the domain as SNI, as a browser sends it; the throwaway certificate is not checked."""

    def __init__(self, port, server_name):
        super().__init__("127.0.0.1", port, timeout=10)
        self.server_name = server_name

    def connect(self):
        super().connect()
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        self.sock = context.wrap_socket(self.sock, server_hostname=self.server_name)


def request(port, method, path, headers=None, tls=False, server_name=None):
    connection = TlsConnection(port, server_name or CONFIG["host"]) if tls else http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request(method, path, headers={"Host": CONFIG["authority"], **(headers or {})})
    response = connection.getresponse()
    body = response.read().decode(errors="replace")
    connection.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body


def front(method, path, headers=None, server_name=None):
    return request(CONFIG["front"], method, path, headers, CONFIG["tls"], server_name)


def refused(method, path, headers, server_name=None):
    """None when the front refused (no answer, handshake refused, or 421); else the status it answered."""
    try:
        status = front(method, path, headers, server_name)[0]
    except (http.client.RemoteDisconnected, ConnectionResetError, ssl.SSLError, socket.timeout):
        return None
    return None if status == 421 else status


def stub_get(upstream, what, path):
    stub = next(s for s in CONFIG["stubs"] if s["name"] == upstream)
    return request(stub["port"], "GET", f"/__{what}?{path}")[2]


def count(upstream, path):
    return int(stub_get(upstream, "count", path))


def seen(upstream, path):
    return json.loads(stub_get(upstream, "seen", path))


def app_answer(answer):
    try:
        return json.loads(answer[2])
    except ValueError:
        return {}


def forged_headers():
    """A client trying to make the app build its answer for another host, scheme, port, path or method."""
    other_scheme = "https" if CONFIG["scheme"] == "http" else "http"
    return {
        "Host": f"{CONFIG['host']}:1234",
        "X-Forwarded-Host": EVIL,
        "X-Forwarded-Proto": other_scheme,
        "X-Forwarded-Port": "1234",
        "Forwarded": f"for={FORGED_ADDRESS};host={EVIL};proto={other_scheme}",
        "X-Forwarded-For": FORGED_ADDRESS,
        "X-Real-IP": FORGED_ADDRESS,
        "X-Original-URL": "/admin/",
        "X-Rewrite-URL": "/admin/",
        "X-HTTP-Method-Override": "DELETE",
    }


def probe_poisoning(expect):
    """Per route: a forged request first, then a clean one; neither answer nor the upstream may show a forged value."""
    trusted = f"{CONFIG['scheme']}://{CONFIG['authority']}"
    for prefix, upstream in CONFIG["routes"]:
        for ending in ("poison", "poison-redirect"):
            path = f"{prefix}{ending}"
            # the path the upstream serves: nginx strips the prefix of a location that proxies to "/"
            served = f"/{ending}" if prefix in CONFIG.get("stripped", []) else path
            forged = front("GET", path, forged_headers())
            clean = front("GET", path)
            answer = app_answer(clean)
            expect(answer.get("base") == trusted, f"GET {path} after a forged request: the app built {answer.get('base')!r}, expected {trusted!r}")
            expect(answer.get("path") == served and answer.get("method") == "GET", f"GET {path} after a forged request: the app served {answer.get('method')} {answer.get('path')}")
            if ending.endswith("redirect"):
                location = clean[1].get("location", "")
                expect(location.startswith(trusted + "/"), f"GET {path} after a forged request: redirected to {location!r}, expected under {trusted}")
            if CONFIG["phase"] == "prod":
                built = app_answer(forged).get("base")
                expect(forged[0] >= 400 or built == trusted, f"GET {path} with forged headers: the app built {built!r}, expected {trusted!r}")
            for headers in seen(upstream, served):
                what = f"GET {path}: {upstream} received"
                for name in ("forwarded", "x-forwarded-port", "x-original-url", "x-rewrite-url", "x-http-method-override"):
                    expect(name not in headers, f"{what} {name}: {headers.get(name)!r}")
                expect(headers.get("x-forwarded-host") == headers.get("host"), f"{what} X-Forwarded-Host {headers.get('x-forwarded-host')!r} for Host {headers.get('host')!r}: the cache keys on Host")
                expect(headers.get("x-forwarded-proto") == CONFIG["scheme"], f"{what} X-Forwarded-Proto {headers.get('x-forwarded-proto')!r}, expected {CONFIG['scheme']}")
                carrying = sorted(name for name, value in headers.items() if EVIL in value)
                expect(not carrying, f"{what} the forged host in {', '.join(carrying)}")
                if CONFIG["phase"] == "prod":
                    expect(headers.get("host") == CONFIG["host"], f"{what} Host {headers.get('host')!r}, expected {CONFIG['host']!r}")
                if CONFIG["owns_client_address"]:
                    for name in ("x-forwarded-for", "x-real-ip"):
                        expect(FORGED_ADDRESS not in headers.get(name, ""), f"{what} {name} {headers.get(name)!r}: an address the client wrote")

        path = f"{prefix}lang-redirect"
        front("GET", path, {"Accept-Language": "fr"})
        location = front("GET", path, {"Accept-Language": "de"})[1].get("location")
        expect(location == "/de/", f"GET {path} in German after French: redirected to {location!r}, a redirect built from a header the cache does not key on was shared")

    if CONFIG["phase"] == "prod":
        for name, headers, server_name in (
            (f"Host {EVIL}", {"Host": EVIL}, None),
            (f"Host {EVIL}, SNI {EVIL}", {"Host": EVIL}, EVIL),
        ):
            if server_name and not CONFIG["tls"]:
                continue
            status = refused("GET", "/refused-probe", headers, server_name)
            expect(status is None, f"GET with {name}: answered {status}, expected no answer or 421")
        reached = [stub["name"] for stub in CONFIG["stubs"] if count(stub["name"], "/refused-probe") > 0]
        expect(not reached, f"a request for an unknown host reached {', '.join(reached)}")


def probe(config):
    problems = []
    deadline = time.time() + 20
    while True:
        try:
            status, _, _ = front("GET", "/")
            # varnish answers 503 for a backend its first probe has not found healthy yet (slow on a busy machine):
            # every route must be past that before the checks start; a path of its own, so no count sees it
            starting = [path for path, _ in config["routes"] if front("GET", path + "ready")[0] == 503]
            if (status == 200 and not starting) or time.time() > deadline:
                break
        except OSError:
            if time.time() > deadline:
                problems.append(f"the front on port {config['front']} never answered")
                print(json.dumps(problems))
                return
        time.sleep(0.3)

    def expect(condition, message):
        if not condition:
            problems.append(message)

    for path, upstream in config["routes"]:
        status, headers, body = front("GET", path + "probe")
        expect(status == 200 and headers.get("x-upstream") == upstream, f"GET {path}probe: {status} from {headers.get('x-upstream')}, expected 200 from {upstream}")
        for header in ("via", "x-varnish", "x-powered-by"):
            expect(header not in headers, f"GET {path}probe: answer carries {header}")
        if config["nginx"]:
            expect(headers.get("x-content-type-options") == "nosniff", f"GET {path}probe: no X-Content-Type-Options")
            expect("content-security-policy" in headers, f"GET {path}probe: no Content-Security-Policy")
            expect(headers.get("server") == "nginx", f"GET {path}probe: Server {headers.get('server')!r} is not bare nginx")

    for path in config["hidden"]:
        status, headers, _ = front("GET", path)
        expect(status == 404 and "x-upstream" not in headers, f"GET {path}: {status}, metrics must not be public")

    api = "/api/uncached"
    front("GET", api)
    front("GET", api)
    expect(count("backend", api) == 2, f"GET {api} twice reached the backend {count('backend', api)} time(s): the API must not be cached")

    if config["varnish"] and config["tiles"]:
        tile = "/tiles/demo/1/2/3.pbf"
        first = front("GET", tile)
        second = front("GET", tile)
        expect(count("tileserver", tile) == 1, f"GET {tile} twice reached the tileserver {count('tileserver', tile)} times: tiles must be cached")
        expect(second[1].get("x-cache") == "HIT", f"GET {tile} again: X-Cache {second[1].get('x-cache')}, expected HIT")
        private = "/tiles/demo/1/2/4.pbf"
        for _ in range(2):
            front("GET", private, {"Authorization": "Bearer x"})
        expect(count("tileserver", private) == 2, "tiles asked for with Authorization were served from the cache")
        # the Host the cached tile was stored under: what the front forwards (in prod varnish sets the domain itself)
        relayed = request(6081, "PURGE", tile, {"X-Forwarded-For": "203.0.113.9"})
        expect(relayed[0] == 405, f"PURGE relayed with another client's address: {relayed[0]}, expected 405")
        purge = request(6081, "PURGE", tile)
        expect(purge[0] == 200, f"PURGE from the internal network: {purge[0]}, expected 200")
        front("GET", tile)
        expect(count("tileserver", tile) == 2, "after PURGE the tile still came from the cache")
        if config["nginx"]:
            outside = front("PURGE", tile)
            expect(outside[0] in (403, 405), f"PURGE through the public front: {outside[0]}, expected it refused")

    for index, server in enumerate(config.get("servers", [])):
        probe_server(server, index == 0, expect)

    probe_poisoning(expect)
    print(json.dumps(problems))


def probe_server(server, main, expect):
    """A sub-domain's routes, CORS preflights and private downloads, asked for with that server's Host and SNI."""
    name = server["server_name"]

    def at(method, path, headers=None):
        headers = {"Host": server["authority"], **(headers or {})}
        if server.get("port", CONFIG["front"]) != CONFIG["front"]:
            # not through the front: a shared Traefik sends this host to nginx (which terminates no TLS there)
            return request(server["port"], method, path, headers)
        return front(method, path, headers, name)

    if not main:
        for path, upstream in server["routes"]:
            status, headers, body = at("GET", path + "probe")
            expect(status == 200 and headers.get("x-upstream") == upstream, f"GET {name}{path}probe: {status} from {headers.get('x-upstream')}, expected 200 from {upstream}")
            base = app_answer((status, headers, body)).get("base")
            expected = f"{CONFIG['scheme']}://{server['authority']}"
            expect(base == expected, f"GET {name}{path}probe: the app built {base!r}, expected its own sub-domain {expected!r}")
            expect(headers.get("x-content-type-options") == "nosniff", f"GET {name}{path}probe: no X-Content-Type-Options")
    for cors in server["cors"]:
        allowed = cors["origin"] if cors["origin"] != "*" else "https://any.example"
        path = cors["path"] + "preflight"
        status, headers, _ = at("OPTIONS", path, {"Origin": allowed, "Access-Control-Request-Method": "POST"})
        expect(status == 204, f"OPTIONS {name}{path} from {allowed}: {status}, expected the preflight answered 204")
        expect(headers.get("access-control-allow-origin") == cors["origin"] if cors["origin"] == "*" else headers.get("access-control-allow-origin") == allowed,
               f"OPTIONS {name}{path} from {allowed}: Access-Control-Allow-Origin {headers.get('access-control-allow-origin')!r}")
        expect("POST" in headers.get("access-control-allow-methods", ""), f"OPTIONS {name}{path}: Access-Control-Allow-Methods {headers.get('access-control-allow-methods')!r}")
        expect(headers.get("x-content-type-options") == "nosniff", f"OPTIONS {name}{path}: no X-Content-Type-Options")
        reached = [stub["name"] for stub in CONFIG["stubs"] if count(stub["name"], path) > 0]
        expect(not reached, f"OPTIONS {name}{path}: the preflight reached {', '.join(reached)}")
        credentials = headers.get("access-control-allow-credentials")
        expect(credentials == ("true" if cors["credentials"] else None), f"OPTIONS {name}{path}: Access-Control-Allow-Credentials {credentials!r}")
        if cors["origin"] != "*":
            status, headers, _ = at("GET", cors["path"] + "cors", {"Origin": f"https://{EVIL}"})
            expect("access-control-allow-origin" not in headers, f"GET {name}{cors['path']}cors from https://{EVIL}: allowed as {headers.get('access-control-allow-origin')!r}")
            expect(headers.get("access-control-allow-methods") is None, f"GET {name}{cors['path']}cors: preflight headers on a plain request")
    for accel in server["accel"]:
        path = f"{accel['via']}download?accel-to={accel['internal']}probe.txt"
        for _ in range(2):
            status, headers, body = at("GET", path)
            expect(status == 200 and body == accel["body"], f"GET {name}{path}: {status} {body[:80]!r}, expected the private file nginx sends on X-Accel-Redirect")
            expect("no-store" in headers.get("cache-control", ""), f"GET {name}{path}: Cache-Control {headers.get('cache-control')!r}, expected no-store")
        reached = sum(count(stub["name"], path) for stub in CONFIG["stubs"])
        expect(reached == 2, f"GET {name}{path} twice reached the app {reached} time(s): an authorised download must never come from a cache")
        status = at("GET", f"{accel['internal']}probe.txt")[0]
        expect(status == 404, f"GET {name}{accel['internal']}probe.txt: {status}, expected 404 (private: only through the app)")


if __name__ == "__main__":
    CONFIG = json.load(open(sys.argv[2]))
    {"serve": serve, "probe": probe}[sys.argv[1]](CONFIG)
