#!/usr/bin/python3
"""Stand-in for pg_tileserv (the smoke run's own file, not generated; pg_tileserv has no Debian package).

It reads DATABASE_URL, TS_BASEPATH and TS_HTTPPORT as pg_tileserv does and serves its URL scheme:
index.json (the layers this role can read), {schema}.{table}.json (layer detail) and
{schema}.{table}/{z}/{x}/{y}.pbf, a real Mapbox vector tile that PostGIS builds with ST_AsMVT.
"""

import json
import os
import re
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import psycopg2

BASE = "/" + os.environ.get("TS_BASEPATH", "/").strip("/") + "/"
BASE = "/" if BASE == "//" else BASE
PORT = int(os.environ.get("TS_HTTPPORT", "7800"))
URL = os.environ["DATABASE_URL"]
MVT = "application/vnd.mapbox-vector-tile"
TILE = re.compile(r"^([a-z_][a-z0-9_]*)\.([a-z_][a-z0-9_]*)/(\d+)/(\d+)/(\d+)\.pbf$")
SERVED = {"tiles": 0}

LAYERS_SQL = """
SELECT f_table_schema, f_table_name, f_geometry_column, srid, type
FROM geometry_columns
WHERE has_table_privilege(format('%I.%I', f_table_schema, f_table_name), 'SELECT')
ORDER BY 1, 2
"""


def layers(cursor):
    cursor.execute(LAYERS_SQL)
    return {f"{s}.{t}": {"schema": s, "name": t, "geometry": g, "srid": srid, "type": kind} for s, t, g, srid, kind in cursor.fetchall()}


def tile(cursor, layer, z, x, y):
    sql = (
        'SELECT ST_AsMVT(q, %s, 4096, \'geom\') FROM ('
        'SELECT ST_AsMVTGeom(ST_Transform(t."{g}", 3857), ST_TileEnvelope(%s, %s, %s), 4096, 256, true) AS geom, '
        'to_jsonb(t) - %s AS properties '
        'FROM "{s}"."{n}" t WHERE ST_Transform(t."{g}", 3857) && ST_TileEnvelope(%s, %s, %s)) q'
    ).format(g=layer["geometry"], s=layer["schema"], n=layer["name"])
    cursor.execute(sql, (layer["name"], z, x, y, layer["geometry"], z, x, y))
    return bytes(cursor.fetchone()[0] or b"")


class Handler(BaseHTTPRequestHandler):
    def _send(self, status, body, content_type):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self):  # noqa: N802 - http.server's naming
        path = self.path.split("?", 1)[0]
        if path == "/metrics" or path == BASE + "metrics":
            text = f"# TYPE tileserver_standin_tiles_total counter\ntileserver_standin_tiles_total {SERVED['tiles']}\n"
            return self._send(200, text.encode(), "text/plain; version=0.0.4")
        if not path.startswith(BASE):
            return self._send(404, b'{"error":"not found"}', "application/json")
        rest = path[len(BASE):]
        try:
            with psycopg2.connect(URL) as connection, connection.cursor() as cursor:
                known = layers(cursor)
                if rest in ("", "index.json"):
                    return self._send(200, json.dumps({k: {**v, "detailurl": f"{BASE}{k}.json"} for k, v in known.items()}).encode(), "application/json")
                if rest.endswith(".json") and rest[:-5] in known:
                    layer = known[rest[:-5]]
                    return self._send(200, json.dumps({**layer, "tileurl": f"{BASE}{rest[:-5]}/{{z}}/{{x}}/{{y}}.pbf"}).encode(), "application/json")
                match = TILE.match(rest)
                if match and f"{match[1]}.{match[2]}" in known:
                    body = tile(cursor, known[f"{match[1]}.{match[2]}"], int(match[3]), int(match[4]), int(match[5]))
                    SERVED["tiles"] += 1
                    return self._send(200, body, MVT)
        except psycopg2.Error as error:
            print(f"tileserver stand-in: database error: {error}", file=sys.stderr, flush=True)
            return self._send(500, b'{"error":"database"}', "application/json")
        return self._send(404, b'{"error":"not found"}', "application/json")

    do_HEAD = do_GET

    def log_message(self, fmt, *args):
        print("tileserver stand-in: " + fmt % args, file=sys.stderr, flush=True)


if __name__ == "__main__":
    print(f"pg_tileserv stand-in (ST_AsMVT from PostGIS) on :{PORT}{BASE}", flush=True)
    ThreadingHTTPServer(("0.0.0.0", PORT), Handler).serve_forever()
