/**
 * The CloudNativePG component: its Cluster and Databases are valid for CloudNativePG's own CRDs
 * (fixtures/NOTICE.md) with no field the operator would drop, every Secret and ConfigMap it names is
 * generated with the keys the operator reads, the roles are those postgres/initdb/02-roles.sh makes, and
 * with kubectl the variant builds, the db StatefulSet is gone and the Service db finds the primary.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { PACKAGE_ROOT as GENERATOR_ROOT } from 'generator-portal/shared/package-root.js';
import { modelOf } from 'generator-portal/testing/model.js';
import { objectsOf, planOf, writeRepo } from 'generator-portal/testing/kubernetes.js';
import { SCENARIOS } from 'generator-portal/testing/generate.js';
import { presetAnswers } from 'generator-portal/presets/index.js';
import { runTool } from '../checks/run-tool.js';
import { tool } from '../checks/tools.js';
import type { PlannedFile } from 'generator-portal/render/planned-file.js';
import { CNPG_COMPONENT, CNPG_VARIANTS } from 'generator-portal/render/kubernetes/cloudnative-pg.js';
import { crossCheck, type Loose } from 'generator-portal/render/kubernetes/cross-checks.js';

const FIXTURES = join(GENERATOR_ROOT, 'src', 'render', 'kubernetes', 'fixtures');
const schemaOf = (kind: string) => JSON.parse(readFileSync(join(FIXTURES, `cnpg-${kind}.schema.json`), 'utf8')) as Loose;
const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
const validators: Record<string, { schema: Loose; validate: ReturnType<Ajv['compile']> }> = Object.fromEntries(
  ['Cluster', 'Database'].map(kind => {
    const schema = schemaOf(kind.toLowerCase());
    return [kind, { schema, validate: ajv.compile(schema) }];
  }),
);

/** Fields the CRD's structural schema does not declare: the API server would prune them without a word. */
function unknownFields(value: unknown, schema: Loose, path = ''): string[] {
  if (schema['x-kubernetes-preserve-unknown-fields'] || !value || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap((item, i) => unknownFields(item, schema.items ?? {}, `${path}[${i}]`));
  if (!schema.properties) return [];
  return Object.entries(value).flatMap(([key, child]) =>
    schema.properties[key] ? unknownFields(child, schema.properties[key], `${path}.${key}`) : [`${path}.${key}`],
  );
}

const kubectl = tool('kubectl');
const cases: Record<string, Record<string, unknown>> = {
  defaults: { targets: ['kubernetes'] },
  'every-service': { ...SCENARIOS['every-service'], grafanaPostgres: 'readonly', targets: ['kubernetes'] },
  // extra and template databases, an extension list of its own, PostgreSQL settings
  'housing-portal': { ...presetAnswers('housing-portal', { domain: 'example.org', imageTag: '2.3.1' }), targets: ['kubernetes'] },
  instance: { services: 'postgis,tileserver,nginx', instances: [{ name: 'staging', domain: 'staging.example.org' }], targets: ['kubernetes'] },
};

const fileOf = (plan: readonly PlannedFile[], path: string): Loose => {
  const file = plan.find(f => f.path === path);
  assert.ok(file, path);
  return parse(file.content) as Loose;
};

describe('CloudNativePG component', () => {
  it('is rendered only with PostGIS', () => {
    const plan = planOf(modelOf({ services: 'redis,nginx', targets: ['kubernetes'] } as never));
    assert.deepEqual(
      plan.filter(f => f.path.includes('cloudnative-pg')).map(f => f.path),
      [],
    );
  });

  for (const [scenario, raw] of Object.entries(cases)) {
    const model = modelOf(raw as never);
    const plan = planOf(model);
    const component = fileOf(plan, `${CNPG_COMPONENT}/kustomization.yaml`);
    const objects = (component.resources as string[]).map(resource => fileOf(plan, `${CNPG_COMPONENT}/${resource}`));
    const cluster = objects.find(o => o.kind === 'Cluster')!;

    it(`${scenario}: the Cluster and Databases are valid for CloudNativePG's CRDs, with no field it would prune`, () => {
      assert.ok(cluster);
      for (const object of objects.filter(o => validators[o.kind])) {
        const { schema, validate } = validators[object.kind]!;
        assert.ok(validate(object), `${object.kind}: ${JSON.stringify(validate.errors)}`);
        assert.deepEqual(unknownFields(object, schema), [], object.kind);
      }
    });

    it(`${scenario}: the roles and grants are 02-roles.sh's, the passwords those of the same secret files`, () => {
      const script = plan.find(f => f.path === 'postgres/initdb/02-roles.sh')?.content ?? '';
      const scriptRoles = [...script.matchAll(/^CREATE ROLE (\w+) LOGIN/gm)].map(m => m[1]);
      assert.deepEqual(
        (cluster.spec.managed?.roles ?? []).map((r: Loose) => r.name),
        scriptRoles,
      );
      const sql: string[] = cluster.spec.bootstrap.initdb.postInitApplicationSQL;
      // the same statements, with the database named instead of psql's variable and no password in them
      const scriptStatements = script
        .split('\n')
        .filter(line => /^(GRANT|ALTER ROLE|CREATE SCHEMA)/.test(line))
        .map(line => line.replace(':"DBNAME"', `"${model.answers.name}"`));
      for (const statement of scriptStatements)
        assert.ok(
          sql.some(s => s.startsWith(statement.replace(/;$/, ''))),
          statement,
        );
      assert.ok(!sql.some(s => /PASSWORD/i.test(s)));
      for (const extension of model.answers.postgres?.extensions ?? ['postgis'])
        assert.ok(sql.includes(`CREATE EXTENSION IF NOT EXISTS "${extension}";`), extension);
      const templates = model.answers.postgres?.templates ?? [];
      for (const name of [...(model.answers.postgres?.databases ?? []), ...templates]) {
        const database = objects.find(o => o.kind === 'Database' && o.spec.name === name);
        assert.ok(database, name);
        assert.equal(database.spec.isTemplate ?? false, templates.includes(name), name);
      }
    });

    it(`${scenario}: each deployment's variant generates the basic-auth Secrets the Cluster names, from its own secret files`, () => {
      const deployments = ['prod', ...(model.answers.instances ?? []).map(i => i.name)];
      const named = [cluster.spec.bootstrap.initdb.secret.name, ...(cluster.spec.managed?.roles ?? []).map((r: Loose) => r.passwordSecret.name)];
      for (const d of deployments) {
        const variant = fileOf(plan, `${CNPG_VARIANTS}/${d}/kustomization.yaml`);
        assert.deepEqual(variant.resources, [`../../overlays/${d}`]);
        const generated = new Map((variant.secretGenerator as Loose[]).map(s => [s.name, s]));
        assert.deepEqual([...generated.keys()].sort(), [...named].sort(), d);
        for (const secret of generated.values()) {
          assert.equal(secret.type, 'kubernetes.io/basic-auth');
          const file = (secret.files[0] as string).replace(/^password=(\.\.\/)+/, '');
          assert.ok(file.startsWith(d === 'prod' ? 'secrets/' : `secrets/${d}/`), file);
          assert.ok(
            plan.some(f => f.path === file && f.ownership === 'secret'),
            `${file} is not a secret file of the plan`,
          );
        }
        assert.match(generated.get(cluster.spec.bootstrap.initdb.secret.name)!.literals[0], new RegExp(`^username=${cluster.spec.bootstrap.initdb.owner}$`));
      }
    });

    it(
      `${scenario}: with kubectl, each variant builds; no db StatefulSet; Service db finds the primary; every name resolves`,
      { skip: !kubectl && 'kubectl not found' },
      async t => {
        const repo = writeRepo(plan);
        t.after(() => rmSync(repo, { recursive: true, force: true }));
        for (const d of ['prod', ...(model.answers.instances ?? []).map(i => i.name)]) {
          const run = await runTool(kubectl!, ['kustomize', '--load-restrictor', 'LoadRestrictionsNone', `${CNPG_VARIANTS}/${d}`], { cwd: repo });
          assert.equal(run.code, 0, run.stderr);
          const built = objectsOf(run.stdout);
          assert.deepEqual(crossCheck(built), []);
          assert.ok(!built.some(o => o.kind === 'StatefulSet' && o.metadata.name === 'db'));
          assert.deepEqual(built.find(o => o.kind === 'Service' && o.metadata.name === 'db')?.spec.selector, {
            'cnpg.io/cluster': 'postgis',
            'cnpg.io/instanceRole': 'primary',
          });
          const builtCluster = built.find(o => o.kind === 'Cluster')!;
          const secrets = new Map(built.filter(o => o.kind === 'Secret').map(o => [o.metadata.name, o]));
          for (const name of [
            builtCluster.spec.bootstrap.initdb.secret.name,
            ...(builtCluster.spec.managed?.roles ?? []).map((r: Loose) => r.passwordSecret.name),
          ]) {
            assert.deepEqual(
              Object.keys(secrets.get(name)?.data ?? {}).sort(),
              ['password', 'username'],
              `${d}: Secret ${name} (kustomize's hash reached the Cluster)`,
            );
          }
          for (const ref of builtCluster.spec.bootstrap.initdb.postInitApplicationSQLRefs?.configMapRefs ?? []) {
            assert.ok(
              built.some(o => o.kind === 'ConfigMap' && o.metadata.name === ref.name && ref.key in o.data),
              `${d}: ConfigMap ${ref.name} ${ref.key}`,
            );
          }
          assert.ok(
            built.every(o => o.metadata.namespace === undefined || o.metadata.namespace === (d === 'prod' ? model.answers.name : `${model.answers.name}-${d}`)),
            d,
          );
        }
      },
    );
  }

  it('planted fault: without the Service patch, the cross-checks find Service db selecting no pod', { skip: !kubectl && 'kubectl not found' }, async t => {
    const plan = planOf(modelOf({ targets: ['kubernetes'] } as never)).map(file => {
      if (file.path !== `${CNPG_COMPONENT}/kustomization.yaml`) return file;
      const component = parse(file.content) as Loose;
      component.patches = (component.patches as Loose[]).filter(p => !p.target);
      return { ...file, content: JSON.stringify(component) };
    });
    const repo = writeRepo(plan);
    t.after(() => rmSync(repo, { recursive: true, force: true }));
    const run = await runTool(kubectl!, ['kustomize', '--load-restrictor', 'LoadRestrictionsNone', `${CNPG_VARIANTS}/prod`], { cwd: repo });
    assert.equal(run.code, 0, run.stderr);
    assert.ok(crossCheck(objectsOf(run.stdout)).includes('Service db: its selector matches no pod'));
  });
});
