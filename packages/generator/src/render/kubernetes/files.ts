/** The Kubernetes target as planned files: the kustomize tree, each object serialized like compose's files. */
import { toYaml } from '../../shared/yaml-document.js';
import type { PortalModel } from '../../model/portal-model.js';
import { managed, MANAGED, type PlannedFile } from '../planned-file.js';
import { renderTemplate } from '../templates.js';
import { nginxSiteView } from '../nginx.js';
import { kubeContext } from './context.js';
import { deploymentsOf, type Deployment } from './objects.js';
import { baseFiles, KUBE_ROOT, overlayFiles } from './kustomize.js';
import { deploymentFiles } from './pod.js';
import { HELM_ROOT, helmFiles } from './helm.js';
import { cloudNativePgFiles } from './cloudnative-pg.js';
import { checkKubernetesNames } from '../target-names.js';

/** Every file of deploy/kubernetes and deploy/helm, given the repo's other planned files (mounted as ConfigMaps). */
export function kubernetesFiles(model: PortalModel, planned: readonly PlannedFile[]): PlannedFile[] {
  checkKubernetesNames(model);
  const ctx = kubeContext(
    model,
    planned.map(file => file.path),
  );
  const deployments = deploymentsOf(model);
  const texts = new Map(planned.map(file => [file.path, file.content]));
  const cloudNativePg = cloudNativePgFiles(ctx, deployments, path => texts.get(path));
  const yaml = [...baseFiles(ctx), ...deployments.flatMap(d => overlayFiles(ctx, d)), ...cloudNativePg].map(file =>
    managed(file.path, toYaml(file.value, `${file.comment}\n${MANAGED}`)),
  );
  const own = deployments.flatMap(d =>
    deploymentFiles(ctx).flatMap(({ config }) =>
      config.items.map(item => managed(`${KUBE_ROOT}/overlays/${d.name}/${item.key}`, deploymentFile(item.file, d))),
    ),
  );
  const chart = helmFiles(ctx, deployments, texts, deploymentFile);
  return [
    ...yaml,
    ...own,
    ...chart,
    managed(
      `${KUBE_ROOT}/README.md`,
      renderTemplate('kubernetes/README.md.ejs', readmeView(model, deployments, [...ctx.kinds.values()].includes('Job'), cloudNativePg.length > 0)),
    ),
  ];
}

/**
 * A deployment's own copy of a file compose takes from the prod override: nginx's site for its domain,
 * without TLS, which the cluster's Ingress or Gateway terminates.
 */
function deploymentFile(source: string, d: Deployment): string {
  if (source === 'nginx/sites/prod.conf') return renderTemplate('nginx/site-prod.conf.ejs', nginxSiteView({ ...d.model, tls: 'none' }));
  throw new Error(`internal: no Kubernetes form of the per-deployment file ${source}`);
}

function readmeView(model: PortalModel, deployments: readonly Deployment[], hasJob: boolean, cloudNativePg: boolean) {
  return {
    name: model.answers.name,
    root: KUBE_ROOT,
    chart: `${HELM_ROOT}/${model.answers.name}`,
    hasJob,
    cloudNativePg,
    deployments: deployments.map(d => ({ name: d.name, namespace: d.namespace, domain: d.domain, secretsDir: d.secretsDir })),
  };
}
