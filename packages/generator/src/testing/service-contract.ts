/**
 * Test helper: what every catalog entry owes the rest of the stack, checked on its contribution and on the
 * files planned for a portal that has it: a healthcheck (or a stated exemption) on each long-running
 * container, each secret it reads declared, written to secrets/, in .env, and wired in compose (the variable
 * in dev, `secrets:` and `<VAR>_FILE` in prod), each ${VAR} of compose defined in .env, each route served by
 * the proxy and, on the domain, one of the reserved site paths, each depends_on naming a container there.
 * Pure: the docker-compose run is the caller's.
 */
import { parse } from 'yaml';
import { backendDefinition, serviceDefinition, type ServiceId } from '../catalog/index.js';
import { RESERVED_ROUTES } from '../catalog/site-paths.js';
import { servicePaths } from '../catalog/index.js';
import type { CatalogContext, Contribution } from '../catalog/types.js';
import type { PortalModel } from '../model/portal-model.js';
import type { PlannedFile } from '../render/planned-file.js';

type Service = { environment?: Record<string, unknown>; secrets?: unknown[]; healthcheck?: { test?: unknown; disable?: boolean }; depends_on?: unknown };
type ComposeFile = { services?: Record<string, Service>; secrets?: Record<string, { file?: string }> };

/** A catalog entry: a service id, or a backend's `backend-<kind>`. */
export type EntryId = ServiceId | `backend-${string}`;

/** The entry's contribution to this model, asked as the model asks it. */
export function contributionOf(entry: EntryId, model: PortalModel): Contribution {
  const ctx: CatalogContext = {
    answers: model.answers,
    has: id => model.services.includes(id),
    slug: model.slug,
    backendPort: model.answers.backendPort,
    devUrl: 'http://localhost',
    ...(model.broker ? { broker: model.broker } : {}),
  };
  const definition = entry.startsWith('backend-') ? backendDefinition(model.answers.backend) : serviceDefinition(entry as ServiceId);
  return definition.contribute(ctx);
}

const fileOf = (plan: readonly PlannedFile[], path: string): string | undefined => plan.find(file => file.path === path)?.content;
const composeOf = (plan: readonly PlannedFile[], path: string): ComposeFile => (parse(fileOf(plan, path) ?? '') ?? {}) as ComposeFile;

/** `NAME=value` lines of an env file. */
const envNames = (text: string): Set<string> => new Set([...text.matchAll(/^([A-Za-z_][A-Za-z0-9_]*)=/gm)].map(match => match[1]!));

/** ${VAR} without a default (`${VAR:-x}` and `$${…}`, a literal dollar, need nothing). */
const referencedVariables = (text: string): string[] =>
  [...text.matchAll(/(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)(:?[-?+][^}]*)?\}/g)].filter(match => !/^:?-/.test(match[2] ?? '')).map(match => match[1]!);

/** base merged with one override: environment and secrets of both. */
function merged(base: ComposeFile, over: ComposeFile, name: string): Service | undefined {
  const a = base.services?.[name];
  const b = over.services?.[name];
  if (!a && !b) return undefined;
  return {
    ...a,
    ...b,
    environment: { ...(a?.environment ?? {}), ...(b?.environment ?? {}) },
    secrets: [...(a?.secrets ?? []), ...(b?.secrets ?? [])],
  };
}

const dependencies = (service: Service): string[] =>
  Array.isArray(service.depends_on) ? service.depends_on.map(String) : Object.keys((service.depends_on as object | undefined) ?? {});

/** Every break of the contract by `entry` in this model and plan; empty when it keeps it. */
export function contractProblems(entry: EntryId, model: PortalModel, plan: readonly PlannedFile[]): string[] {
  const part = contributionOf(entry, model);
  const problems: string[] = [];
  const base = composeOf(plan, 'docker-compose.yml');
  const dev = composeOf(plan, 'docker-compose.override.yml');
  const prod = composeOf(plan, 'docker-compose.prod.yml');
  const env = envNames(fileOf(plan, '.env') ?? '');
  const example = envNames(fileOf(plan, '.env.example') ?? '');
  const declared = new Map(model.secrets.map(secret => [secret.name, secret]));

  for (const container of part.containers ?? []) {
    const name = container.name;
    const inModel = model.containers.find(c => c.name === name);
    if (!inModel) {
      problems.push(`${entry}: container ${name} is not in the model`);
      continue;
    }
    const devService = merged(base, dev, name);
    const prodService = merged(base, prod, name);
    const defined = container.devOnly ? devService : prodService;
    if (!defined) {
      problems.push(`${entry}: container ${name} is in no compose file`);
      continue;
    }
    // healthcheck: from the merged view the container runs with
    const probe = defined.healthcheck;
    if (!container.oneShot && !container.healthExemption && (!probe || probe.disable || probe.test === undefined || String(probe.test) === 'NONE'))
      problems.push(`${entry}: container ${name} has no healthcheck and states no exemption`);
    if (container.healthExemption !== undefined && container.healthExemption.trim().length < 10)
      problems.push(`${entry}: container ${name} exempts itself from a healthcheck without a reason`);

    for (const use of inModel.secrets ?? []) {
      const spec = declared.get(use.secret);
      if (!spec) {
        problems.push(`${entry}: container ${name} reads secret ${use.secret}, which no contribution declares`);
        continue;
      }
      if (!plan.some(file => file.path === `secrets/${use.secret}` && file.ownership === 'secret'))
        problems.push(`${entry}: secret ${use.secret} of ${name} is not written to secrets/`);
      if (!env.has(spec.env) || !example.has(spec.env)) problems.push(`${entry}: secret ${use.secret} has no ${spec.env} in .env and .env.example`);
      if (!container.prodOnly) {
        const devValue = String(devService?.environment?.[use.env] ?? devService?.environment?.[use.fileEnv ?? `${use.env}_FILE`] ?? '');
        if (!devValue.includes(`\${${spec.env}}`) && !devValue.includes(use.secret))
          problems.push(`${entry}: ${name} does not get secret ${use.secret} in dev (${use.env} from \${${spec.env}})`);
      }
      if (!container.devOnly) {
        const fileEnv = use.fileEnv ?? `${use.env}_FILE`;
        const sources = (prodService?.secrets ?? []).map(item => (typeof item === 'string' ? item : String((item as { source?: unknown }).source)));
        if (!sources.includes(use.secret)) problems.push(`${entry}: ${name} does not list secret ${use.secret} under secrets: in prod`);
        if (String(prodService?.environment?.[fileEnv] ?? '') !== `/run/secrets/${use.secret}`)
          problems.push(`${entry}: ${name} has no ${fileEnv}=/run/secrets/${use.secret} in prod`);
        if (prod.secrets?.[use.secret]?.file !== `./secrets/${use.secret}`)
          problems.push(`${entry}: prod does not define secret ${use.secret} from ./secrets/`);
      }
    }

    // a secret file named by hand in the environment must be mounted there
    for (const [file, view] of [
      ['dev', devService],
      ['prod', prodService],
    ] as const) {
      const mounted = (view?.secrets ?? []).map(item => (typeof item === 'string' ? item : String((item as { source?: unknown }).source)));
      for (const value of Object.values(view?.environment ?? {})) {
        const secret = /^\/run\/secrets\/(.+)$/.exec(String(value))?.[1];
        if (secret && !mounted.includes(secret)) problems.push(`${entry}: ${name} reads /run/secrets/${secret}, which is not among its secrets (${file})`);
      }
    }

    const known = new Set([...Object.keys(base.services ?? {}), ...Object.keys(dev.services ?? {}), ...Object.keys(prod.services ?? {})]);
    for (const [file, view] of [
      ['dev', devService],
      ['prod', prodService],
    ] as const) {
      for (const target of view ? dependencies(view) : [])
        if (!known.has(target)) problems.push(`${entry}: ${name} depends on ${target}, which is not defined (${file})`);
    }
  }

  for (const file of ['docker-compose.yml', 'docker-compose.override.yml', 'docker-compose.prod.yml']) {
    for (const variable of new Set(referencedVariables(fileOf(plan, file) ?? ''))) {
      if (!env.has(variable)) problems.push(`${entry}: ${file} reads \${${variable}}, which .env does not define`);
    }
  }
  for (const variable of part.env ?? []) if (!env.has(variable.name)) problems.push(`${entry}: its variable ${variable.name} is not in .env`);

  const proxied = plan
    .filter(file => /^(nginx|varnish|traefik)\//.test(file.path) || /^docker-compose/.test(file.path))
    .map(file => file.content)
    .join('\n');
  for (const route of part.routes ?? []) {
    const where = `${route.host ? `${route.host}.` : ''}${route.path}`;
    if (!model.routes.some(r => r.path === route.path && r.host === route.host)) problems.push(`${entry}: route ${where} is not in the model`);
    const served = [`location ^~ ${route.path} `, `location ${route.path} `, `location = ${route.path} `, `PathPrefix(\`${route.path}`, `"${route.path}"`].some(
      form => proxied.includes(form),
    );
    // with no proxy in front, the front container answers every path it serves itself
    const direct = route.upstream?.host === model.front.name;
    if (!served && !direct && route.path !== '/') problems.push(`${entry}: route ${where} is served by no proxy file`);
    if (!route.host && !entry.startsWith('backend-') && !RESERVED_ROUTES.includes(route.path) && servicePaths().get(route.path) !== entry)
      problems.push(`${entry}: route ${route.path} is not a reserved site path (catalog/site-paths.ts, or the module's sitePaths): an app could take it`);
  }

  // the docs' repo layout names only what is written, and lists each file the entry adds (secrets aside)
  for (const listed of part.repoLayout ?? [])
    if (!plan.some(file => (listed.path.endsWith('/') ? file.path.startsWith(listed.path) : file.path === listed.path)))
      problems.push(`${entry}: the repo layout lists ${listed.path}, which no planned file is`);
  for (const file of part.files ?? [])
    if (!model.repoLayout.some(listed => (listed.path.endsWith('/') ? file.path.startsWith(listed.path) : file.path === listed.path)))
      problems.push(`${entry}: ${file.path} is in no repo layout line of the docs`);
  return problems;
}
