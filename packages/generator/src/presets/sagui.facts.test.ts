/**
 * The sagui preset against the deployment it rebuilds: each row is a fact read from the upstream
 * repositories at the commit named, asserted in the generated repo or in `docker-compose config` of it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { generate } from '../testing/generate.js';

/** The commits read: the platform, and the submodule commits it pins (sagui_backend, pg_tileserv). */
const PLATFORM = 'HydroMetGuyane-Hydro-Matters/sagui_platform@ac09a55f92ac1f5735a95471dbd634c4c0bd621e';
const BACKEND = 'HydroMetGuyane-Hydro-Matters/sagui_backend@3b0315241ee9eec903e2ee3c0768147694ed033e';
const TILESERV = 'OMP-IRD/pg_tileserv@71ed1c74c4f35e4f24c54babca837adcdf8ca05b';
const TRAEFIK = 'OMP-IRD/traefik-proxy@c3c185f03d9e72daa7daceea66f7d752f6fd00c9';
/** The front end's source (its README names the image pigeosolutions/sagui-ui), and the submodules hyfaa-scheduler and atmo_s5p. */
const UI = 'OMP-IRD/hydro-flow@eac4c2eb9e4da847c29628ee4b694e99b746bb1f';
const HYFAA = 'OMP-IRD/hyfaa-scheduler@9f1e08da73368855d01b8d15cba673d11915b911';
const ATMO = 'HydroMetGuyane-Hydro-Matters/atmo_s5p@484f2c74f4e435ed81b8212a132b3a65340ea271';

type Service = Record<string, unknown>;
interface Repo {
  read(path: string): string;
  /** A service as `docker-compose config` prints it for base + prod (variables from .env interpolated). */
  prod(name: string): Service;
  base(name: string): Service;
}
type Fact = readonly [fact: string, holds: (repo: Repo) => void];
const upstream = (fact: string, where: string, file: string, holds: Fact[1]): Fact => [`${fact} (${where} ${file})`, holds];

const environment = (service: Service): Record<string, string> => (service.environment ?? {}) as Record<string, string>;
const setting =
  (variable: string, value: string): Fact[1] =>
  repo =>
    assert.equal(environment(repo.base('backend'))[variable], value, variable);
const mounted =
  (name: string, target: string): Fact[1] =>
  repo =>
    assert.ok(
      ((repo.base(name).volumes ?? []) as string[]).some(volume => volume.split(':')[1] === target),
      `${name} mounts ${target}`,
    );
/** The VCL rule for a path prefix and the backend it sets. */
const vclRoute =
  (prefix: string, backend: string): Fact[1] =>
  repo =>
    assert.match(
      repo.read('varnish/default.vcl'),
      new RegExp(`if \\(req\\.url ~ "\\^${prefix.replace(/\//g, '\\/')}"\\) \\{\\s+set req\\.backend_hint = ${backend};`),
    );
const volumes = (service: Service): string[] => (service.volumes ?? []) as string[];
/** The base file lists labels as key=value, `docker-compose config` as a map. */
const labelled = (service: Service, rule: string): boolean =>
  new RegExp(`org\\.generator-portal\\.exception\\.${rule}["=]`).test(JSON.stringify(service.labels ?? {}));
const label =
  (text: string): Fact[1] =>
  repo =>
    assert.ok(
      ((repo.prod('varnish').labels ?? {}) as Record<string, string>)[text.split('=')[0]!] === text.split('=').slice(1).join('='),
      `varnish label ${text}`,
    );

const FACTS: readonly Fact[] = [
  upstream("the backend runs the team's image pigeosolutions/sagui-backend", PLATFORM, 'docker-compose.yml', repo =>
    assert.equal(repo.base('backend').image, 'pigeosolutions/sagui-backend:2.3.1'),
  ),
  upstream('gunicorn binds 0.0.0.0:8000 (EXPOSE 8000, CMD of the image kept)', BACKEND, 'Dockerfile', repo => {
    assert.equal(repo.base('backend').command, undefined);
    assert.match(JSON.stringify(repo.base('backend').healthcheck), /127\.0\.0\.1:8000\/api\/v1\//);
  }),
  upstream('the image runs as www-data (USER www-data, uid 33 on python:3.11-slim)', BACKEND, 'Dockerfile', repo =>
    assert.equal(repo.base('backend').user, '33:33'),
  ),
  upstream('settings read POSTGRES_HOST, the db host named database', PLATFORM, 'secrets-dev/django_env.txt', repo => {
    assert.equal(environment(repo.base('backend')).POSTGRES_HOST, 'db');
    assert.deepEqual((repo.base('db').networks as Record<string, { aliases: string[] }>).internal.aliases, ['database']);
  }),
  upstream('the wait-for-db entrypoint dials POSTGRES_PORT 5432', BACKEND, 'docker/docker-entrypoint.d/020-wait-for-db', setting('POSTGRES_PORT', '5432')),
  upstream('settings read POSTGRES_DB and POSTGRES_USER', BACKEND, 'src/sagui_backend/settings.py', repo => {
    assert.equal(environment(repo.base('backend')).POSTGRES_DB, 'sagui');
    assert.ok(environment(repo.base('backend')).POSTGRES_USER);
  }),
  upstream('FileAwareEnv reads POSTGRES_PASSWORD from POSTGRES_PASSWORD_FILE', BACKEND, 'src/sagui_backend/settings.py', repo => {
    assert.equal(environment(repo.prod('backend')).POSTGRES_PASSWORD_FILE, '/run/secrets/postgres_password');
    assert.equal(environment(repo.prod('backend')).POSTGRES_PASSWORD, undefined);
  }),
  upstream("SECRET_KEY is required (env('SECRET_KEY')), given as a secret file", BACKEND, 'src/sagui_backend/settings.py', repo =>
    assert.equal(environment(repo.prod('backend')).SECRET_KEY_FILE, '/run/secrets/backend_secret_key'),
  ),
  upstream('DEBUG=False', PLATFORM, 'secrets-dev/django_env.txt', setting('DEBUG', 'False')),
  upstream('ALLOWED_HOSTS lists the domain, localhost and 127.0.0.1', PLATFORM, 'secrets-dev/django_env.txt', repo =>
    assert.equal(environment(repo.prod('backend')).ALLOWED_HOSTS, 'sagui.localhost,localhost,127.0.0.1'),
  ),
  upstream('CSRF_TRUSTED_ORIGINS holds the https origin', PLATFORM, 'secrets-dev/django_env.txt', repo =>
    assert.equal(environment(repo.prod('backend')).CSRF_TRUSTED_ORIGINS, 'https://sagui.localhost'),
  ),
  upstream('STATIC_URL=/backend_static/ and STATIC_ROOT=/static/', PLATFORM, 'secrets-dev/django_env.txt', repo => {
    setting('STATIC_URL', '/backend_static/')(repo);
    setting('STATIC_ROOT', '/static/')(repo);
  }),
  upstream('MEDIA_ROOT=media/ and MEDIA_URL=/media/', PLATFORM, 'secrets-dev/django_env.txt', repo => {
    setting('MEDIA_ROOT', 'media/')(repo);
    setting('MEDIA_URL', '/media/')(repo);
  }),
  upstream('django_static_files mounted at /static in the backend (collectstatic)', PLATFORM, 'docker-compose.yml', mounted('backend', '/static')),
  upstream('nginx serves the static files under /backend_static', PLATFORM, 'docker-compose.yml', repo => {
    assert.ok(
      ((repo.base('nginx').volumes ?? []) as string[]).some(volume => volume.startsWith('django-static:')),
      'nginx reads the static volume',
    );
    assert.match(repo.read('nginx/snippets/routes.conf'), /location \/backend_static\/ \{\s+alias /);
  }),
  upstream('SAGUI_PATH_TO_ATMO_FILES=/atmo_s5p/data/styled over ./atmo_s5p/data at /atmo_s5p/data', PLATFORM, 'docker-compose.yml', repo => {
    setting('SAGUI_PATH_TO_ATMO_FILES', '/atmo_s5p/data/styled')(repo);
    mounted('backend', '/atmo_s5p/data')(repo);
  }),
  upstream('nginx serves the atmo data under /atmo', PLATFORM, 'docker-compose.yml', repo =>
    assert.match(repo.read('nginx/snippets/routes.conf'), /location \/atmo\/ \{\s+alias /),
  ),
  upstream('SAGUI_DATA_PATH=/data', PLATFORM, 'docker-compose.yml', setting('SAGUI_DATA_PATH', '/data')),
  upstream('the hyfaa work folder is mounted at /hyfaa-scheduler/data and imported from there', PLATFORM, 'docker-compose.yml', repo => {
    mounted('backend', '/hyfaa-scheduler/data')(repo);
    setting('HYFAA_IMPORT_NETCDF_ROOT_PATH', '/hyfaa-scheduler/data')(repo);
    setting('RAINFALL_NETCDF_FILES_PATH', '/hyfaa-scheduler/data/databases/forcing_onmesh_db/data_store/')(repo);
  }),
  upstream('HYFAA_IMPORT_COMMIT_PAGE_SIZE=50', PLATFORM, 'secrets-dev/django_env.txt', setting('HYFAA_IMPORT_COMMIT_PAGE_SIZE', '50')),
  upstream(
    'settings read EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS without default',
    BACKEND,
    'src/sagui_backend/settings.py',
    repo => {
      for (const name of ['EMAIL_HOST', 'EMAIL_PORT', 'EMAIL_HOST_USER', 'EMAIL_HOST_PASSWORD', 'EMAIL_USE_TLS'])
        assert.ok(name in environment(repo.base('backend')), name);
    },
  ),
  upstream(
    'the superuser password is read through file_env (DJANGO_SUPERUSER_PASSWORD_FILE)',
    BACKEND,
    'docker/docker-entrypoint.d/050-create-superuser',
    repo => assert.equal(environment(repo.prod('backend')).DJANGO_SUPERUSER_PASSWORD_FILE, '/run/secrets/backend_django_superuser_password'),
  ),
  upstream(
    'the entrypoint writes under /app (compilemessages, the initialized flag): a writable root, recorded',
    BACKEND,
    'docker/docker-entrypoint.d/040-i18n',
    repo => {
      assert.notEqual(repo.base('backend').read_only, true);
      assert.match(JSON.stringify(repo.base('backend').labels), /org\.generator-portal\.exception\.CMP-09/);
    },
  ),
  upstream('database is PostGIS with the database sagui', PLATFORM, 'docker-compose.yml', repo => {
    assert.match(String(repo.base('db').image), /postgis/);
    assert.equal(environment(repo.base('db')).POSTGRES_DB, 'sagui');
  }),
  upstream(
    '30_schema.sql creates the schema guyane; 40_users.sql grants the tileserver role USAGE on it',
    PLATFORM,
    'config/postgresql/entrypoint-initdb.d/40_users.sql',
    repo => {
      const roles = repo.read('postgres/initdb/02-roles.sh');
      assert.match(roles, /CREATE SCHEMA IF NOT EXISTS guyane;/);
      assert.match(roles, /GRANT USAGE ON SCHEMA guyane TO tileserver;/);
    },
  ),
  upstream('pg_tileserv listens on 7800 (HttpPort default)', TILESERV, 'main.go', repo =>
    assert.equal(environment(repo.base('tileserver')).TS_HTTPPORT, '7800'),
  ),
  upstream('TS_BASEPATH=/tiles/', PLATFORM, 'docker-compose.yml', repo => assert.equal(environment(repo.base('tileserver')).TS_BASEPATH, '/tiles/')),
  upstream('wait-for-db.sh: the tileserver starts once the database answers', TILESERV, 'pigeosolutions/wait-for-db.sh', repo =>
    assert.deepEqual((repo.base('tileserver').depends_on as Record<string, unknown>).db, { condition: 'service_healthy' }),
  ),
  upstream('varnish sends /tiles/ to pg-tileserv on 7800', PLATFORM, 'config/varnish/default.vcl', repo => {
    vclRoute('/tiles/', 'be_tileserver')(repo);
    assert.match(repo.read('varnish/default.vcl'), /\.host = "tileserver";\s+\.port = "7800";/);
  }),
  upstream('varnish sends /api/ to the backend on 8000', PLATFORM, 'config/varnish/default.vcl', repo => {
    vclRoute('/api/', 'be_backend')(repo);
    assert.match(repo.read('varnish/default.vcl'), /\.host = "backend";\s+\.port = "8000";/);
  }),
  upstream('varnish sends the static files to nginx', PLATFORM, 'config/varnish/default.vcl', vclRoute('/backend_static/', 'be_nginx')),
  upstream('varnish has the traefik labels; nothing else does', PLATFORM, 'docker-compose.prod.yml', repo => {
    label('traefik.enable=true')(repo);
    for (const name of ['backend', 'nginx', 'tileserver', 'db']) assert.ok(!JSON.stringify(repo.prod(name).labels ?? {}).includes('traefik.'), name);
  }),
  upstream('varnish joins the external traefik-proxy_proxy_network', PLATFORM, 'docker-compose.prod.yml', repo => {
    assert.ok('traefik-proxy_proxy_network' in (repo.prod('varnish').networks as object));
    label('traefik.docker.network=traefik-proxy_proxy_network')(repo);
  }),
  upstream('router on entrypoint websecure with TLS', PLATFORM, 'docker-compose.prod.yml', repo => {
    label('traefik.http.routers.sagui.entrypoints=websecure')(repo);
    label('traefik.http.routers.sagui.tls=true')(repo);
  }),
  upstream('router rule Host(domain) and tls.domains[0].main', PLATFORM, 'docker-compose.prod.yml', repo => {
    label('traefik.http.routers.sagui.rule=Host(`sagui.localhost`)')(repo);
    label('traefik.http.routers.sagui.tls.domains[0].main=sagui.localhost')(repo);
  }),
  upstream('certificate resolver letsEncrypt', TRAEFIK, 'config/traefik.yml', label('traefik.http.routers.sagui.tls.certresolver=letsEncrypt')),
  upstream('the shared Traefik only sees containers that ask (exposedByDefault: false)', TRAEFIK, 'config/traefik.yml', label('traefik.enable=true')),
  upstream('the shared Traefik publishes 80 and 443: the stack publishes nothing in prod', TRAEFIK, 'docker-compose.yml', repo => {
    for (const name of ['varnish', 'nginx', 'backend']) assert.equal(repo.prod(name).ports, undefined, name);
  }),
  upstream('the scheduler runs in prod only', PLATFORM, 'docs/server-infrastructure/docker.md', repo => {
    const base = parse(repo.read('docker-compose.yml')) as { services: Record<string, unknown> };
    assert.equal(base.services.scheduler, undefined);
    assert.ok(repo.prod('scheduler'));
  }),
  upstream('update_data.sh runs manage.py hyfaa_import in the backend image: the scheduler has its settings', PLATFORM, 'update_data.sh', repo => {
    assert.equal(repo.prod('scheduler').image, 'pigeosolutions/sagui-backend:2.3.1');
    assert.equal(environment(repo.prod('scheduler')).HYFAA_IMPORT_NETCDF_ROOT_PATH, '/hyfaa-scheduler/data');
    assert.equal(environment(repo.prod('scheduler')).POSTGRES_HOST, 'db');
  }),
  upstream('dev opens ports (override file)', PLATFORM, 'docker-compose.override.yml', repo => {
    const dev = parse(repo.read('docker-compose.override.yml')) as { services: Record<string, { ports?: string[] }> };
    assert.ok(dev.services.varnish?.ports?.every(port => port.startsWith('127.0.0.1:')));
  }),
  upstream(
    'DRAINAGE_VT_URL is the drainage tile URL template, braces and all',
    PLATFORM,
    'secrets-dev/django_env.txt',
    setting('DRAINAGE_VT_URL', '/tiles/guyane.hyfaa_drainage/{z}/{x}/{y}.pbf'),
  ),
  upstream('the front end runs the image pigeosolutions/sagui-ui, exposing 80', PLATFORM, 'docker-compose.yml', repo => {
    assert.equal(repo.base('frontend').image, 'pigeosolutions/sagui-ui:2.3.1');
    assert.match(JSON.stringify(repo.base('frontend').healthcheck), /127\.0\.0\.1:80\//);
  }),
  upstream('varnish sends ^/sagui to the frontend on 80', PLATFORM, 'config/varnish/default.vcl', repo => {
    vclRoute('/sagui/', 'be_frontend')(repo);
    assert.match(repo.read('varnish/default.vcl'), /\.host = "frontend";\s+\.port = "80";/);
  }),
  upstream('the app is built with --base-href /sagui/ and APP_NAME=sagui (served from /usr/share/nginx/html/sagui)', UI, 'angular.json', repo => {
    assert.match(JSON.stringify(repo.base('frontend').healthcheck), /:80\/sagui\//);
    assert.equal(environment(repo.base('frontend')).APP_NAME, 'sagui');
  }),
  upstream("nginx:1.21.4-alpine started as root, no USER: the image's user kept, recorded", UI, 'tools/docker/Dockerfile.apps', repo => {
    assert.equal(repo.base('frontend').user, undefined);
    assert.ok(labelled(repo.base('frontend'), 'CMP-26'));
  }),
  upstream('nginx as root binds port 80 and switches to its worker user: only those capabilities back, recorded', UI, 'tools/docker/nginx.apps.conf', repo => {
    const frontend = repo.prod('frontend');
    assert.deepEqual(frontend.cap_drop, ['ALL']);
    assert.deepEqual(frontend.cap_add, ['CHOWN', 'NET_BIND_SERVICE', 'SETGID', 'SETUID']);
    assert.ok(labelled(frontend, 'CMP-02'));
    assert.deepEqual(frontend.security_opt, ['no-new-privileges:true']);
  }),
  upstream(
    "the front end is a static app: read-only root, nginx's cache and pid in memory, no database setting, no data folder",
    UI,
    'tools/docker/Dockerfile.apps',
    repo => {
      const frontend = repo.base('frontend');
      assert.equal(frontend.read_only, true);
      assert.deepEqual(((frontend.tmpfs ?? []) as string[]).map(t => t.split(':')[0]).sort(), ['/tmp', '/var/cache/nginx', '/var/run']);
      assert.deepEqual(Object.keys(environment(frontend)), ['APP_NAME']);
      assert.deepEqual(volumes(frontend), []);
    },
  ),
  upstream('the hyfaa scheduler runs pigeosolutions/hyfaa-scheduler:4.3, idle (tail -f /dev/null)', PLATFORM, 'docker-compose.yml', repo => {
    assert.equal(repo.base('hyfaa-scheduler').image, 'pigeosolutions/hyfaa-scheduler:4.3');
    assert.deepEqual(repo.base('hyfaa-scheduler').command, ['tail', '-f', '/dev/null']);
    assert.ok(labelled(repo.base('hyfaa-scheduler'), 'CMP-14'));
  }),
  upstream(
    'the hyfaa work folder is /work in the scheduler and /hyfaa-scheduler/data in the backend: one volume at both',
    PLATFORM,
    'docker-compose.yml',
    repo => {
      assert.deepEqual(volumes(repo.base('hyfaa-scheduler')), ['hyfaa-data:/work']);
      assert.ok(volumes(repo.base('backend')).includes('hyfaa-data:/hyfaa-scheduler/data'));
    },
  ),
  upstream('the image works in WORKDIR /work and runs run.sh there', HYFAA, 'Dockerfile', repo =>
    assert.match(repo.read('docs/architecture.md'), /exec -T hyfaa-scheduler bash run\.sh/),
  ),
  upstream(
    'eodag reads the hydroweb.next API key from EODAG__HYDROWEB_NEXT__AUTH__CREDENTIALS__APIKEY; a secret kept in .env',
    HYFAA,
    'src/hyfaa_python_scheduler/hyfaa/database/assimilation/hysope_download_module.py',
    repo => {
      const key = environment(repo.prod('hyfaa-scheduler')).EODAG__HYDROWEB_NEXT__AUTH__CREDENTIALS__APIKEY;
      assert.ok(key && key.length >= 20, 'interpolated from .env');
      assert.match(
        repo.read('docker-compose.yml'),
        /EODAG__HYDROWEB_NEXT__AUTH__CREDENTIALS__APIKEY: \$\{HYFAA_SCHEDULER_EODAG__HYDROWEB_NEXT__AUTH__CREDENTIALS__APIKEY\}/,
      );
    },
  ),
  upstream(
    'the scheduler downloads its forcing and altimetry data: a way out to the internet',
    HYFAA,
    'work_configurations/operational_guyane_gsmap/README.md',
    repo => assert.ok((repo.base('hyfaa-scheduler').networks as string[]).includes('edge')),
  ),
  upstream('atmo runs pigeosolutions/sagui_atmo, idle, ./atmo_s5p/data at /mnt/data', PLATFORM, 'docker-compose.yml', repo => {
    assert.equal(repo.base('atmo').image, 'pigeosolutions/sagui_atmo:2.3.1');
    assert.deepEqual(repo.base('atmo').command, ['tail', '-f', '/dev/null']);
    assert.deepEqual(volumes(repo.base('atmo')), ['atmo:/mnt/data']);
    assert.ok(volumes(repo.base('backend')).includes('atmo:/atmo_s5p/data'));
  }),
  upstream('atmo_process.py stores under ATMO_STORAGE_PATH=/mnt/data and downloads from the Copernicus hub', ATMO, 'Dockerfile', repo => {
    assert.equal(environment(repo.base('atmo')).ATMO_STORAGE_PATH, '/mnt/data');
    assert.ok((repo.base('atmo').networks as string[]).includes('edge'));
  }),
  upstream(
    'update_data.sh runs, in order, run.sh, hyfaa_import, rainfall_import, atmo_process.py, send_alerts from the host cron',
    PLATFORM,
    'update_data.sh',
    repo => {
      const docs = repo.read('docs/architecture.md');
      const at = [
        'exec -T hyfaa-scheduler bash run.sh',
        'exec -T backend python3 manage.py hyfaa_import',
        'exec -T backend python3 manage.py rainfall_import',
        'exec -T atmo python atmo_process.py',
        'exec -T backend python3 manage.py send_alerts',
      ].map(step => docs.indexOf(step));
      assert.ok(
        at.every(index => index > 0),
        'each step documented',
      );
      assert.deepEqual(
        [...at].sort((a, b) => a - b),
        at,
        "in upstream's order",
      );
    },
  ),
  [
    'docs: the stack expects the shared Traefik',
    repo => {
      assert.match(repo.read('README.md'), /expects a shared Traefik already running on the server/);
      assert.match(repo.read('docs/architecture.md'), /`traefik-proxy_proxy_network` \(prod, external\)/);
      assert.match(repo.read('docs/architecture.md'), /opt out with --traefik-network none/);
    },
  ],
];

describe('sagui preset: facts of sagui_platform, sagui_backend, pg_tileserv and traefik-proxy', () => {
  let repo: Repo;
  before(async () => {
    const root = await generate({ preset: 'sagui', imageTag: '2.3.1' });
    const read = (path: string) => readFileSync(join(root, path), 'utf8');
    const config = (files: string[]) => {
      const run = spawnSync('docker-compose', files.flatMap(file => ['-f', file]).concat('config'), { cwd: root, encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
      return (parse(run.stdout) as { services: Record<string, Service> }).services;
    };
    const prod = config(['docker-compose.yml', 'docker-compose.prod.yml']);
    const base = parse(read('docker-compose.yml')) as { services: Record<string, Service> };
    repo = {
      read,
      prod: name => {
        assert.ok(prod[name], `${name} in docker-compose config (base + prod)`);
        return prod[name]!;
      },
      base: name => {
        // interpolated like prod, with the base file's own keys (user, read_only, labels)
        assert.ok(base.services[name], `${name} in docker-compose.yml`);
        return {
          ...base.services[name],
          environment: { ...environment(base.services[name]!), ...pick(environment(prod[name] ?? {}), environment(base.services[name]!)) },
        };
      },
    };
  });
  for (const [fact, holds] of FACTS) it(fact, () => holds(repo));
  it('cites at least 20 upstream facts', () => assert.ok(FACTS.filter(([fact]) => / @?[0-9a-f]{40} /.test(fact) || /@[0-9a-f]{40}/.test(fact)).length >= 20));
});

/** The interpolated values of the variables the base file names. */
function pick(interpolated: Record<string, string>, declared: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.keys(declared)
      .filter(name => name in interpolated)
      .map(name => [name, interpolated[name]!]),
  );
}
