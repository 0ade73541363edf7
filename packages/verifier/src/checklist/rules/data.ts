/** Data services and worker (RDS-*, MQ-*, PG-*, CEL-03): authenticated, bounded, configured explicitly. */
import { environmentOf, portsOf, type RepoView } from '../repo-view.js';
import { recordedException } from '../exceptions.js';
import { defineRule, type Rule } from '../types.js';

const REDIS = 'redis/redis.conf';
const RABBIT = 'rabbitmq/rabbitmq.conf';
/** Config lines without comments, as `key value` pairs (redis) or `key = value` (rabbitmq). */
const settings = (text: string, separator: RegExp): Map<string, string> =>
  new Map(
    text
      .split('\n')
      .map(l => l.trim())
      .filter(l => l && !l.startsWith('#'))
      .map(l => {
        const [key, ...rest] = l.split(separator);
        return [key!.trim(), rest.join(' ').trim()] as [string, string];
      }),
  );
const redisConf = (repo: RepoView) => settings(repo.read(REDIS), /\s+/);
const rabbitConf = (repo: RepoView) => settings(repo.read(RABBIT), /\s*=\s*/);

const rule = (id: string, title: string, file: string, check: (repo: RepoView) => Promise<string[]> | string[]): Rule =>
  defineRule({ id, group: 'data', title, applies: repo => repo.exists(file), findings: check });

export const DATA_RULES: readonly Rule[] = [
  rule(
    'RDS-02',
    'every redis asks for a password that comes from a secret; protected mode on (a recorded exception: internal network only)',
    REDIS,
    async repo => {
      const services = (await repo.compose('prod')).services;
      const open = (name: string) => services[name] !== undefined && recordedException('RDS-02', services[name]!) !== undefined;
      const conf = redisConf(repo);
      const findings = conf.get('protected-mode') === 'yes' || open('redis') ? [] : ['redis.conf: protected-mode is not yes'];
      if (conf.has('requirepass')) findings.push('redis.conf: requirepass written in the file');
      for (const [name, service] of Object.entries(services)) {
        if (!/^redis:/.test(String(service.image ?? ''))) continue;
        if (open(name)) {
          // without a password: no published port, no network but the internal one
          if (portsOf(service).length > 0) findings.push(`${name}: no password but publishes a port`);
          if (Object.keys((service.networks as object | undefined) ?? {}).some(network => network !== 'internal'))
            findings.push(`${name}: no password but on a network other than internal`);
          continue;
        }
        const command = JSON.stringify(service.command ?? '');
        if (!/--requirepass/.test(command) || !/_PASSWORD_FILE/.test(command)) findings.push(`${name}: not started with --requirepass from the secret file`);
      }
      return findings;
    },
  ),
  rule('RDS-03', 'ACLs, not rename-command', REDIS, repo => (redisConf(repo).has('rename-command') ? ['redis.conf: rename-command'] : [])),
  rule('RDS-04', 'maxmemory, an eviction policy and persistence set', REDIS, repo => {
    const conf = redisConf(repo);
    return ['maxmemory', 'maxmemory-policy']
      .filter(k => !conf.has(k))
      .map(k => `redis.conf: ${k} unset`)
      .concat(conf.get('appendonly') === 'yes' || conf.has('save') ? [] : ['redis.conf: neither appendonly nor save']);
  }),
  rule('RDS-05', 'no dir in redis.conf (the image works in /data)', REDIS, repo => (redisConf(repo).has('dir') ? ['redis.conf: dir is set'] : [])),
  rule('MQ-02', 'guest loopback-only; user and password from the environment or a secret; own vhost', RABBIT, async repo => {
    const findings = rabbitConf(repo).get('loopback_users.guest') === 'true' ? [] : ['rabbitmq.conf: loopback_users.guest is not true'];
    const rabbit = (await repo.compose('prod')).services.rabbitmq;
    if (rabbit) {
      const env = environmentOf(rabbit);
      if (!env.RABBITMQ_DEFAULT_USER || env.RABBITMQ_DEFAULT_USER === 'guest') findings.push('rabbitmq: default user is guest or unset');
      if (!env.RABBITMQ_DEFAULT_VHOST || env.RABBITMQ_DEFAULT_VHOST === '/') findings.push('rabbitmq: default vhost /');
      if (!/RABBITMQ_PASSWORD_FILE/.test(JSON.stringify(rabbit.command ?? ''))) findings.push('rabbitmq: password not read from the secret file');
    }
    return findings;
  }),
  rule('MQ-03', 'memory watermark and disk free limit set', RABBIT, repo => {
    const conf = rabbitConf(repo);
    return [
      ...([...conf.keys()].some(k => k.startsWith('vm_memory_high_watermark')) ? [] : ['rabbitmq.conf: vm_memory_high_watermark unset']),
      ...([...conf.keys()].some(k => k.startsWith('disk_free_limit')) ? [] : ['rabbitmq.conf: disk_free_limit unset']),
    ];
  }),
  defineRule({
    id: 'PG-02',
    group: 'data',
    title: 'postgres: password auth (never trust), password from a secret file in prod, not published',
    applies: repo => repo.hasCompose,
    async findings(repo) {
      const db = (await repo.compose('prod')).services.db;
      if (!db) return [];
      const env = environmentOf(db);
      return [
        ...(/^(trust|password|md5)$/.test(env.POSTGRES_HOST_AUTH_METHOD ?? '') ? [`db: POSTGRES_HOST_AUTH_METHOD ${env.POSTGRES_HOST_AUTH_METHOD}`] : []),
        ...(env.POSTGRES_PASSWORD_FILE ? [] : ['db: no POSTGRES_PASSWORD_FILE in prod']),
        ...(env.POSTGRES_PASSWORD ? ['db: POSTGRES_PASSWORD given as a value in prod'] : []),
      ];
    },
  }),
  defineRule({
    id: 'CEL-03',
    group: 'data',
    title: 'celery never forced to run as root',
    applies: repo => repo.hasCompose,
    async findings(repo) {
      const model = await repo.compose('prod');
      return Object.entries(model.services)
        .filter(([name]) => name.startsWith('celery'))
        .flatMap(([name, s]) => [
          ...(environmentOf(s).C_FORCE_ROOT ? [`${name}: C_FORCE_ROOT set`] : []),
          ...(/^(0|root)(:|$)/.test(String(s.user ?? '')) ? [`${name}: user root`] : []),
        ]);
    },
  }),
];
