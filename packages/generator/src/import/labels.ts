/**
 * Routes an old deployment gave its containers through Traefik labels (v1 `traefik.frontend.rule`, v2+
 * `traefik.http.routers.<r>.rule`): the hosts and path prefixes, and the port Traefik sent them to.
 */

export interface LabelRoute {
  readonly hosts: readonly string[];
  /** Path prefix, as written (e.g. "/auth"); undefined for a host-only rule. */
  readonly path?: string;
  /** Traefik's buffering middleware limit, in bytes. */
  readonly maxBodyBytes?: number;
}

export interface LabelRouting {
  readonly routes: readonly LabelRoute[];
  readonly port?: number;
  /** Traefik routed this container at all (labels present and not disabled). */
  readonly routed: boolean;
}

const v1Rule = (rule: string): LabelRoute => {
  const hosts: string[] = [];
  let path: string | undefined;
  for (const part of rule
    .split(';')
    .map(p => p.trim())
    .filter(Boolean)) {
    const [kind, value = ''] = part.split(/:(.*)/s);
    if (/^Host$/i.test(kind!))
      hosts.push(
        ...value
          .split(',')
          .map(h => h.trim())
          .filter(Boolean),
      );
    if (/^PathPrefix(Strip)?$/i.test(kind!)) path = value.split(',')[0]!.trim();
  }
  return { hosts, ...(path ? { path } : {}) };
};

const v2Rule = (rule: string): LabelRoute[] => {
  // `||` makes alternatives; each may hold Host(...) and PathPrefix(...)
  return rule.split('||').map(alternative => {
    const hosts = [...alternative.matchAll(/Host\(([^)]*)\)/g)].flatMap(m => m[1]!.split(',').map(h => h.trim().replace(/^[`"']|[`"']$/g, '')));
    const path = /PathPrefix\(\s*[`"']([^`"']+)[`"']/.exec(alternative)?.[1];
    return { hosts, ...(path ? { path } : {}) };
  });
};

/** A buffering limit in bytes, when the label holds a whole positive number. */
const bytes = (value: string | undefined): number | undefined =>
  value !== undefined && /^[1-9][0-9]{0,12}$/.test(value.trim()) ? Number(value.trim()) : undefined;

/** v2: the buffering limit of the first middleware of the router that sets one. */
function routerBodyLimit(labels: ReadonlyMap<string, string>, router: string): number | undefined {
  const middlewares = (labels.get(`traefik.http.routers.${router}.middlewares`) ?? '')
    .split(',')
    .map(m => m.trim().replace(/@.*$/, ''))
    .filter(Boolean);
  return middlewares.map(m => bytes(labels.get(`traefik.http.middlewares.${m}.buffering.maxRequestBodyBytes`))).find(n => n !== undefined);
}

export function labelRouting(labels: ReadonlyMap<string, string>): LabelRouting {
  if (labels.get('traefik.enable') === 'false') return { routes: [], routed: false };
  const routes: LabelRoute[] = [];
  let port: number | undefined;
  for (const [key, value] of labels) {
    const router = /^traefik\.http\.routers\.([^.]+)\.rule$/.exec(key)?.[1];
    if (key === 'traefik.frontend.rule') {
      const limit = bytes(labels.get('traefik.backend.buffering.maxRequestBodyBytes'));
      routes.push({ ...v1Rule(value), ...(limit ? { maxBodyBytes: limit } : {}) });
    } else if (router) {
      const limit = routerBodyLimit(labels, router);
      routes.push(...v2Rule(value).map(r => ({ ...r, ...(limit ? { maxBodyBytes: limit } : {}) })));
    } else if (key === 'traefik.port' || /^traefik\.http\.services\.[^.]+\.loadbalancer\.server\.port$/.test(key)) {
      const number = Number(value);
      if (Number.isInteger(number) && number > 0 && number < 65536) port = number;
    }
  }
  return { routes, ...(port ? { port } : {}), routed: routes.length > 0 };
}
