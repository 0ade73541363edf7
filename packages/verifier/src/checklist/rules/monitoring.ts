/** Monitoring (MON-*): grafana provisioning that is locked down and interpolation-safe. */
import { environmentOf, type RepoView } from '../repo-view.js';
import { defineRule, type Rule } from '../types.js';

const provisioning = (repo: RepoView) => repo.files(/^grafana\/provisioning\/.+\.ya?ml$/);
const hasGrafana = (repo: RepoView) => provisioning(repo).length > 0;

export const MONITORING_RULES: readonly Rule[] = [
  defineRule({
    id: 'MON-04',
    group: 'monitoring',
    title: 'grafana provisioning: apiVersion 1, service-name datasources, not editable; admin password from a secret; no anonymous access',
    applies: hasGrafana,
    async findings(repo) {
      const findings: string[] = [];
      const model = repo.hasCompose ? await repo.compose('prod') : { services: {} };
      for (const file of provisioning(repo)) {
        const doc = repo.yaml<{ apiVersion?: number; datasources?: { name: string; url?: string; editable?: boolean }[] }>(file);
        if (doc.apiVersion !== 1) findings.push(`${file}: apiVersion ${doc.apiVersion}`);
        for (const source of doc.datasources ?? []) {
          // an HTTP data source by URL, a database one (postgres) as host:port
          const host = /^(?:https?:\/\/)?([^:/]+)/.exec(source.url ?? '')?.[1];
          if (!host || !(host in model.services)) findings.push(`${file}: datasource ${source.name} points at ${source.url}, not a compose service`);
          if (source.editable !== false) findings.push(`${file}: datasource ${source.name} is editable`);
        }
      }
      const grafana = model.services.grafana;
      if (grafana) {
        const env = environmentOf(grafana);
        if (!env.GF_SECURITY_ADMIN_PASSWORD__FILE) findings.push('grafana: admin password does not come from a secret file (GF_SECURITY_ADMIN_PASSWORD__FILE)');
        if (env.GF_AUTH_ANONYMOUS_ENABLED !== 'false') findings.push('grafana: anonymous access not turned off');
      }
      return findings;
    },
  }),
  defineRule({
    id: 'MON-05',
    group: 'monitoring',
    title: 'no bare $ in grafana provisioning values (grafana expands it)',
    applies: hasGrafana,
    findings: repo =>
      provisioning(repo).flatMap(file =>
        repo
          .read(file)
          .split('\n')
          .flatMap((line, i) => (/\$(?!\{?[A-Z_][A-Z0-9_]*\}?)/.test(line.replace(/^\s*#.*$/, '')) ? [`${file}:${i + 1}: bare $`] : [])),
      ),
  }),
];
