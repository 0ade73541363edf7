vcl 4.1;
# Cache policy of the portal (managed by generator-portal).
# Tiles are cached for 1d, the API and admin are never cached, PURGE only from the internal network.

import std;

backend be_backend {
    .host = "backend";
    .port = "8000";
    .connect_timeout = 5s;
    .first_byte_timeout = 60s;
    .between_bytes_timeout = 30s;
    .probe = {
        .url = "/health";
        .interval = 10s;
        .timeout = 3s;
        .window = 5;
        .threshold = 3;
    }
}

backend be_frontend {
    .host = "frontend";
    .port = "80";
    .connect_timeout = 5s;
    .first_byte_timeout = 60s;
    .between_bytes_timeout = 30s;
    .probe = {
        .url = "/health";
        .interval = 10s;
        .timeout = 3s;
        .window = 5;
        .threshold = 3;
    }
}

backend be_nginx {
    .host = "nginx";
    .port = "8080";
    .connect_timeout = 5s;
    .first_byte_timeout = 60s;
    .between_bytes_timeout = 30s;
    .probe = {
        .request = "GET /healthz HTTP/1.1" "Host: nginx" "Connection: close";
        .interval = 10s;
        .timeout = 3s;
        .window = 5;
        .threshold = 3;
    }
}

backend be_tileserver {
    .host = "tileserver";
    .port = "7800";
    .connect_timeout = 5s;
    .first_byte_timeout = 60s;
    .between_bytes_timeout = 30s;
    .probe = {
        .url = "/tiles/index.json";
        .interval = 10s;
        .timeout = 3s;
        .window = 5;
        .threshold = 3;
    }
}

# containers on the compose networks. Varnish sets X-Forwarded-For to the client itself; a request relayed
# by a proxy (nginx, traefik) carries another address first and is refused.
acl purgers {
    "localhost";
    "10.0.0.0"/8;
    "172.16.0.0"/12;
    "192.168.0.0"/16;
}

# yours: never rewritten by the generator; its code runs before the generated rules below
include "./custom.vcl";

# Apps build links, redirects and TileJSON from Host and X-Forwarded-*, and the cache keys on Host: they
# get the deployment's own values, never a client's. In prod PUBLIC_HOST is the domain (from the compose
# file) and other host names are refused; in dev it is empty and the name as sent is kept, so what the
# cache keys on is still exactly what the app sees.
sub portal_forwarding {
    # unset and empty alike ("" + turns an unset one into "")
    if ("" + std.getenv("PUBLIC_HOST") != "") {
        if (req.method != "PURGE" && std.tolower(regsub(req.http.Host, ":[0-9]+$", "")) != std.tolower(std.getenv("PUBLIC_HOST"))) {
            return (synth(421, "Misdirected Request"));
        }
        set req.http.Host = std.getenv("PUBLIC_HOST");
    }
    set req.http.X-Forwarded-Host = req.http.Host;
    set req.http.X-Forwarded-Proto = std.getenv("PUBLIC_SCHEME");
    # forwarding headers no hop here sets
    unset req.http.Forwarded;
    unset req.http.X-Forwarded-Port;
    unset req.http.X-Forwarded-Server;
    unset req.http.X-Forwarded-Prefix;
    unset req.http.X-Forwarded-Scheme;
    unset req.http.X-Forwarded-Ssl;
    unset req.http.X-Scheme;
    unset req.http.X-Original-Host;
    unset req.http.X-Host;
    unset req.http.X-Original-URL;
    unset req.http.X-Rewrite-URL;
    unset req.http.X-HTTP-Method-Override;
    unset req.http.X-HTTP-Method;
    unset req.http.X-Method-Override;
}

sub vcl_recv {
    if (req.url == "/varnish-health") {
        return (synth(200, "OK"));
    }
    call portal_forwarding;
    if (req.method == "PURGE") {
        if (client.ip !~ purgers || req.http.X-Forwarded-For != "" + client.ip) {
            return (synth(405, "PURGE not allowed"));
        }
        return (purge);
    }
    if (req.url ~ "^/backend_static/") {
        set req.backend_hint = be_nginx;
        # returning early skips builtin.vcl: pass what it would pass, and share no cookie
        if ((req.method != "GET" && req.method != "HEAD") || req.http.Authorization) {
            return (pass);
        }
        unset req.http.Cookie;
        return (hash);
    }
    if (req.url ~ "^/sagui/") {
        set req.backend_hint = be_frontend;
        return (pass);
    }
    if (req.url ~ "^/tiles/") {
        set req.backend_hint = be_tileserver;
        # returning early skips builtin.vcl: pass what it would pass, and share no cookie
        if ((req.method != "GET" && req.method != "HEAD") || req.http.Authorization) {
            return (pass);
        }
        unset req.http.Cookie;
        return (hash);
    }
    if (req.url ~ "^/atmo/") {
        set req.backend_hint = be_nginx;
        # returning early skips builtin.vcl: pass what it would pass, and share no cookie
        if ((req.method != "GET" && req.method != "HEAD") || req.http.Authorization) {
            return (pass);
        }
        unset req.http.Cookie;
        return (hash);
    }
    if (req.url ~ "^/api/") {
        set req.backend_hint = be_backend;
        return (pass);
    }
    if (req.url ~ "^/") {
        set req.backend_hint = be_backend;
        if (req.http.Upgrade ~ "(?i)websocket") {
            return (pipe);
        }
        # builtin.vcl then passes requests with cookies or Authorization
    }
}

sub vcl_pipe {
    if (req.http.Upgrade) {
        set bereq.http.Upgrade = req.http.Upgrade;
        set bereq.http.Connection = req.http.Connection;
    }
}

sub vcl_backend_response {
    # server errors are never kept, whatever the path
    if (beresp.status >= 500) {
        set beresp.uncacheable = true;
        set beresp.ttl = 10s;
        return (deliver);
    }
    # a Location is built from the request, and Vary: * varies on anything; an X-Accel-Redirect is one
    # user's authorised download, and an Access-Control-Allow-Origin one origin's: never shared
    if (beresp.http.Location || beresp.http.Vary == "*" || beresp.http.X-Accel-Redirect || beresp.http.Access-Control-Allow-Origin) {
        set beresp.uncacheable = true;
        set beresp.ttl = 10s;
        return (deliver);
    }
    if (bereq.url ~ "^/tiles/") {
        unset beresp.http.Set-Cookie;
        if (beresp.status == 200 && bereq.url ~ "\.(pbf|mvt|png|jpe?g|webp)(\?.*)?$") {
            set beresp.ttl = 1d;
            set beresp.grace = 6h;
        } else {
            # layer lists, TileJSON and missing tiles change when tables do: keep them briefly
            set beresp.ttl = 60s;
            set beresp.grace = 1m;
        }
        return (deliver);
    }
    # pages without caching headers are kept briefly
    if (!beresp.http.Cache-Control && !beresp.http.Set-Cookie) {
        set beresp.ttl = 60s;
    }
    set beresp.grace = 1m;
}

sub vcl_deliver {
    unset resp.http.Via;
    unset resp.http.X-Varnish;
    unset resp.http.X-Powered-By;
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
}
