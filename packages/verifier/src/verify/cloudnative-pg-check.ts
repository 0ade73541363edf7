/**
 * The CloudNativePG Cluster's bootstrap on a real PostgreSQL + PostGIS, in the order its instance manager
 * runs it (pkg/management/postgres/initdb.go, ConfigureNewInstance): the owner as a plain LOGIN role, the
 * database it owns, postInitApplicationSQL then the SQL refs as the superuser in that database; then what
 * the operator reconciles: each managed role's password and memberships, the Database objects. The owner,
 * not a superuser here, must then be able to add layers the tileserver reads, without the app's tables,
 * and to dump the database as the backups do.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CNPG_COMPONENT } from 'generator-portal/render/kubernetes/cloudnative-pg.js';
import { KUBE_ROOT } from 'generator-portal/render/kubernetes/kustomize.js';
import type { Loose } from 'generator-portal/render/kubernetes/cross-checks.js';
import { failed, passed, skipped, type Check } from '../checks/check.js';
import { ROLE_PASSWORDS, tileserverLeak } from './data-checks.js';
import { firstLines, runTool } from '../checks/run-tool.js';
import { withThrowawayPostgres } from './throwaway-postgres.js';
import { isRoot, missing, tool } from '../checks/tools.js';

const CLUSTER_FILE = `${CNPG_COMPONENT}/cluster-postgis.yaml`;
const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;
const literal = (value: string) => `'${value.replace(/'/g, "''")}'`;

/** A ConfigMap key of the base's generator, as the repo file it is made from. */
function configMapFile(repo: string, name: string, key: string): string | undefined {
  const base = parse(readFileSync(join(repo, KUBE_ROOT, 'base', 'kustomization.yaml'), 'utf8')) as Loose;
  const generator = (base.configMapGenerator ?? []).find((g: Loose) => g.name === name);
  const entry = (generator?.files ?? []).find((f: string) => f.startsWith(`${key}=`)) as string | undefined;
  return entry ? join(repo, KUBE_ROOT, 'base', entry.slice(key.length + 1)) : undefined;
}

export const cloudNativePgCheck: Check = {
  name: 'CloudNativePG bootstrap on PostgreSQL + PostGIS',
  slow: true,
  applies: repo => existsSync(join(repo, CLUSTER_FILE)),
  async run(repo) {
    if (!tool('initdb')) return skipped(this.name, missing('initdb'));
    if (!isRoot()) return skipped(this.name, 'needs root to run the cluster as the postgres user');
    const component = parse(readFileSync(join(repo, CNPG_COMPONENT, 'kustomization.yaml'), 'utf8')) as Loose;
    const objects = ((component.resources ?? []) as string[]).map(file => parse(readFileSync(join(repo, CNPG_COMPONENT, file), 'utf8')) as Loose);
    const cluster = objects.find(o => o.kind === 'Cluster');
    if (!cluster) return failed(this.name, `${CNPG_COMPONENT}: no Cluster among its resources`);
    const init = cluster.spec?.bootstrap?.initdb ?? {};
    const owner = String(init.owner ?? '');
    const database = String(init.database ?? '');
    const outcome = await withThrowawayPostgres(async ({ env, psql }) => {
      const step = async (what: string, args: string[], as = env) => {
        const run = await psql(args, as);
        return run.code === 0 ? '' : `${what}: ${firstLines(run.output, 4)}`;
      };
      const inApp = { ...env, PGDATABASE: database };
      const fault =
        (await step('owner and database', [
          '-d',
          'postgres',
          '-c',
          `CREATE ROLE ${quote(owner)} LOGIN`,
          '-c',
          `CREATE DATABASE ${quote(database)} OWNER ${quote(owner)}`,
        ])) ||
        (await step(
          'postInitApplicationSQL',
          ((init.postInitApplicationSQL ?? []) as string[]).flatMap(statement => ['-c', statement]),
          inApp,
        ));
      if (fault) return fault;
      for (const ref of (init.postInitApplicationSQLRefs?.configMapRefs ?? []) as Loose[]) {
        const file = configMapFile(repo, ref.name, ref.key);
        if (!file || !existsSync(file)) return `postInitApplicationSQLRefs: ConfigMap ${ref.name} key ${ref.key} is no file of the base's generator`;
        // the instance manager sends a file as one query string: no psql commands, one transaction
        const run = await step(`postInitApplicationSQLRefs ${ref.key}`, ['-c', readFileSync(file, 'utf8')], inApp);
        if (run) return run;
      }
      // what the operator reconciles once the instance runs
      const roles = (cluster.spec?.managed?.roles ?? []) as Loose[];
      for (const role of roles) {
        const password = ROLE_PASSWORDS[role.name] ?? `verify-${role.name}`;
        const run = await step(
          `managed role ${role.name}`,
          [
            '-c',
            `ALTER ROLE ${quote(role.name)} WITH LOGIN PASSWORD ${literal(password)}`,
            ...((role.inRoles ?? []) as string[]).flatMap(group => ['-c', `GRANT ${quote(group)} TO ${quote(role.name)}`]),
          ],
          inApp,
        );
        if (run) return run;
      }
      const ownerRun = await step('owner password', ['-c', `ALTER ROLE ${quote(owner)} PASSWORD 'verify-owner'`], inApp);
      if (ownerRun) return ownerRun;
      for (const db of objects.filter(o => o.kind === 'Database')) {
        const made = await step(`Database ${db.metadata?.name}`, [
          '-d',
          'postgres',
          '-c',
          `CREATE DATABASE ${quote(db.spec.name)} OWNER ${quote(db.spec.owner)}${db.spec.isTemplate ? ' IS_TEMPLATE true' : ''}`,
        ]);
        const extensions = ((db.spec.extensions ?? []) as Loose[]).flatMap(e => ['-c', `CREATE EXTENSION IF NOT EXISTS ${quote(e.name)}`]);
        const run =
          made || (extensions.length > 0 ? await step(`Database ${db.metadata?.name} extensions`, extensions, { ...env, PGDATABASE: db.spec.name }) : '');
        if (run) return run;
      }
      // the app connects as the owner, who is no superuser under CloudNativePG
      const asOwner = { ...env, PGUSER: owner, PGPASSWORD: 'verify-owner', PGDATABASE: database };
      const leak = roles.some(r => r.name === 'tileserver') ? await tileserverLeak(asOwner) : '';
      if (leak) return leak;
      // the backups dump every database as the owner
      const dump = await runTool('pg_dump', ['-Fc', '--no-sync', '-f', '/dev/null'], { env: asOwner });
      if (dump.code !== 0) return `pg_dump as the owner ${owner} (what the backups run): ${firstLines(dump.output, 4)}`;
      for (const role of roles) {
        const password = ROLE_PASSWORDS[role.name] ?? `verify-${role.name}`;
        const login = await step(`${role.name} logs in with its managed password`, ['-c', 'SELECT 1'], {
          ...env,
          PGUSER: role.name,
          PGPASSWORD: password,
          PGDATABASE: database,
        });
        if (login) return login;
      }
      return { roles: roles.length, statements: (init.postInitApplicationSQL ?? []).length };
    });
    return typeof outcome === 'string' ? failed(this.name, outcome) : passed(this.name, `${outcome.statements} statements, ${outcome.roles} managed roles`);
  },
};
