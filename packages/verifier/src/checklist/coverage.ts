/**
 * Where each rule of the design checklist is enforced, besides the rules of this module: by a validator
 * run in `portal verify`, or not at all, with the reason. docs/checklist.md is rendered from this.
 */
export const BY_VALIDATOR: Readonly<Record<string, string>> = {
  'CFG-01': 'docker-compose config (base + dev, base + prod)',
  'CFG-02': 'compose-spec JSON schema (ajv)',
  'CFG-03': 'yamllint key-duplicates',
  'CFG-04': 'docker-compose config: no "variable is not set" warning',
  'CFG-06': 'docker-compose 1.29 config on every scenario',
  'NGX-01': 'nginx -t, with service names resolvable and a throwaway certificate',
  'NGX-14': "nginx -t with Debian's nginx 1.22 / OpenSSL 3.0: directives newer than both are refused",
  'VCL-01': 'varnishd -C',
  'MON-01': 'promtool check config',
  'MON-02': 'promtool check rules',
  'MON-03': 'CMP-18 (only the edge publishes in prod)',
  'RDS-01': 'redis-server boots with the generated redis.conf and refuses PING without the password',
  'MQ-01': 'rabbitmq-server boots with the generated rabbitmq.conf and plugins',
  'PG-01': 'the init files run on a real PostgreSQL 15 + PostGIS 3.3; the tileserver role reads `tiles` only',
  'PG-03': 'CMP-14 and CMP-18',
  'CEL-01': "the Celery app loads with Debian's Celery and registers its tasks",
  'CEL-02': 'the Celery app loads: reliability settings asserted on app.conf',
  'SH-01': 'shellcheck -S warning on every script',
  'ENV-02': 'docker-compose config with .env.example prints no "variable is not set"',
  'YML-01': 'yamllint with the project configuration',
  'DF-15': 'dockerfile-utils lint',
};

export const NOT_APPLIED: Readonly<Record<string, string>> = {
  'CMP-27': "optional in the checklist; Docker's default nofile/nproc limits suit these services, and pids_limit (CMP-12) bounds processes",
  'DF-16': 'optional in the checklist; no-new-privileges (CMP-03) already stops setuid binaries from gaining privileges',
  'NGX-15': 'needs a live TLS scan (testssl), not installable here; NGX-03/04/05 check the same settings in the configuration',
  'SH-03': 'optional formatting (shfmt), not installed here',
  'CEL-04': 'needs a running broker and worker; the app, its settings and its task registration are checked instead (CEL-01/02)',
  'PG-04': 'restoring a dump into a fresh cluster is not run yet; backup.sh and restore.sh are tested against a stand-in docker-compose',
  'GEN-*': 'generator behaviour (re-runs, edits kept), tested by the generator tests, not a property of one generated repo',
};
