/** Traefik (TRF-*): no Docker socket, no credentials in labels, HTTPS only, no open dashboard, coherent routes. */
import type { RepoView } from '../repo-view.js';
import { defineRule, type Rule } from '../types.js';

const STATIC = 'traefik/traefik.yml';
const hasTraefik = (repo: RepoView) => repo.exists(STATIC);
const dynamicFiles = (repo: RepoView) => repo.files(/^traefik\/dynamic\/.+\.ya?ml$/);

interface Dynamic {
  http?: {
    routers?: Record<string, { rule?: string; service?: string; middlewares?: string[]; entryPoints?: string[] }>;
    services?: Record<string, unknown>;
    middlewares?: Record<string, { basicAuth?: { users?: unknown }; headers?: { customRequestHeaders?: Record<string, string> } }>;
  };
  tls?: { options?: Record<string, { minVersion?: string }> };
}

const traefikRule = (id: string, title: string, check: (repo: RepoView) => Promise<string[]> | string[]): Rule =>
  defineRule({ id, group: 'traefik', title, applies: hasTraefik, findings: check });

async function labelsOf(repo: RepoView): Promise<[string, string, string][]> {
  const model = await repo.compose('prod');
  return Object.entries(model.services).flatMap(([name, s]) => {
    const labels = s.labels;
    const entries = Array.isArray(labels)
      ? labels.map(l => String(l).split('=', 2) as [string, string])
      : Object.entries((labels as Record<string, string>) ?? {});
    return entries.map(([k, v]) => [name, k, String(v ?? '')] as [string, string, string]);
  });
}

/** Route files of the portal and of each instance. */
const routeFiles = (repo: RepoView) => repo.files(/^traefik\/(dynamic|instances\/[^/]+)\/.+\.ya?ml$/);
/** Headers traefik passes on from clients (Forwarded) or fills from the request's Host (port): deleted by the router. */
const DELETED = ['Forwarded', 'X-Forwarded-Port', 'X-Original-URL', 'X-Rewrite-URL', 'X-HTTP-Method-Override'];

export const TRAEFIK_RULES: readonly Rule[] = [
  traefikRule('TRF-01', 'a Docker provider exposes nothing by default', repo => {
    const docker = repo.yaml<{ providers?: { docker?: { exposedByDefault?: boolean } } }>(STATIC).providers?.docker;
    return docker && docker.exposedByDefault !== false ? ['providers.docker.exposedByDefault is not false'] : [];
  }),
  traefikRule('TRF-02', 'no raw Docker socket in traefik', async repo => {
    const traefik = (await repo.compose('prod')).services.traefik;
    const volumes = JSON.stringify(traefik?.volumes ?? []);
    return /docker\.sock/.test(volumes) ? ['traefik mounts the Docker socket'] : [];
  }),
  traefikRule('TRF-03', 'no credentials in labels or route files', async repo => [
    ...(await labelsOf(repo))
      .filter(([, key, value]) => /basicauth\.users|password|secret|token/i.test(key) || /\$apr1\$|\$2[aby]\$/.test(value))
      .map(([s, key]) => `${s}: label ${key}`),
    ...dynamicFiles(repo).flatMap(file =>
      Object.entries(repo.yaml<Dynamic>(file).http?.middlewares ?? {})
        .filter(([, m]) => m.basicAuth?.users)
        .map(([name]) => `${file}: middleware ${name} holds basicAuth users inline`),
    ),
  ]),
  traefikRule('TRF-04', 'HTTP redirects to HTTPS; TLS 1.2 at least', repo => {
    const entry = repo.yaml<{ entryPoints?: Record<string, { http?: { redirections?: { entryPoint?: { scheme?: string } } } }> }>(STATIC).entryPoints ?? {};
    const web = Object.entries(entry).filter(([, e]) => e.http?.redirections?.entryPoint?.scheme !== 'https' && !('tls' in ((e.http as object) ?? {})));
    const plain = web.filter(([name]) => name !== 'metrics');
    const minVersions = dynamicFiles(repo).map(file => repo.yaml<Dynamic>(file).tls?.options?.default?.minVersion);
    return [
      ...plain.map(([name]) => `entry point ${name} serves plain HTTP without redirecting`),
      ...(minVersions.some(v => v === 'VersionTLS12' || v === 'VersionTLS13') ? [] : ['no default TLS option with minVersion VersionTLS12']),
    ];
  }),
  traefikRule('TRF-05', 'dashboard and API not exposed insecurely', repo => {
    const api = repo.yaml<{ api?: { insecure?: boolean; dashboard?: boolean } }>(STATIC).api;
    return api?.insecure === true ? ['api.insecure is true'] : [];
  }),
  traefikRule('TRF-06', 'routers name existing services and middlewares; Host rules well formed', repo =>
    dynamicFiles(repo).flatMap(file => {
      const http = repo.yaml<Dynamic>(file).http ?? {};
      return Object.entries(http.routers ?? {}).flatMap(([name, router]) => [
        ...(router.service && !(router.service in (http.services ?? {})) ? [`${file}: router ${name} names missing service ${router.service}`] : []),
        ...(router.middlewares ?? []).filter(m => !(m in (http.middlewares ?? {}))).map(m => `${file}: router ${name} names missing middleware ${m}`),
        ...(/^Host\(`[a-z0-9.-]+`\)/.test(router.rule ?? '') ? [] : [`${file}: router ${name} rule "${router.rule}"`]),
      ]);
    }),
  ),
  traefikRule(
    'TRF-07',
    'routers set Host and X-Forwarded-Host to their domain and X-Forwarded-Proto https, and delete Forwarded and overrides (ours: cache poisoning)',
    repo =>
      routeFiles(repo).flatMap(file => {
        const http = repo.yaml<Dynamic>(file).http ?? {};
        return Object.entries(http.routers ?? {}).flatMap(([name, router]) => {
          const domain = /^Host\(`([^`]+)`\)/.exec(router.rule ?? '')?.[1] ?? '';
          const set: Record<string, string> = Object.assign(
            {},
            ...(router.middlewares ?? []).map(m => http.middlewares?.[m]?.headers?.customRequestHeaders ?? {}),
          );
          const expected: [string, string][] = [
            ['Host', domain],
            ['X-Forwarded-Host', domain],
            ['X-Forwarded-Proto', 'https'],
            ...DELETED.map(h => [h, ''] as [string, string]),
          ];
          return expected
            .filter(([header, want]) => set[header] !== want)
            .map(([header, want]) => `${file}: router ${name} ${want ? `does not set ${header} to ${want}` : `does not delete a client's ${header}`}`);
        });
      }),
  ),
];
