/**
 * The kustomize tree: `deploy/kubernetes/base/` (one file per object, ConfigMaps generated from the repo's
 * own files), `overlays/<deployment>/` (namespace, domain, image tags, the settings ConfigMap, and the
 * Secret generated from the git-ignored secret files) and `gateway/<deployment>/` (the overlay with a Gateway
 * API HTTPRoute instead of its Ingress). Files outside a kustomization's folder are read, so
 * it builds with `kubectl kustomize --load-restrictor LoadRestrictionsNone`.
 */
import type { PortalModel } from '../../model/portal-model.js';
import { ENV_CONFIG_MAP, SECRETS, type KubeContext } from './context.js';
import { fileConfigMaps } from './config-maps.js';
import { baseObjects, deploymentObjects, type Deployment } from './objects.js';
import { deploymentFiles } from './pod.js';
import { variableTag } from './images.js';
import { PART_OF_LABEL } from './labels.js';

export const KUBE_ROOT = 'deploy/kubernetes';
/** From a folder two levels below KUBE_ROOT back to the repo root. */
const BASE_TO_ROOT = '../../../';
const OVERLAY_TO_ROOT = '../../../../';

export interface KubeFile {
  readonly path: string;
  /** A Kubernetes object, or a kustomization. */
  readonly value: object;
  readonly comment: string;
}

/** `<kind>-<name>.yaml`: one object per file, so a re-run merges each one key by key. */
export const objectFile = (object: { readonly kind?: string; readonly metadata?: { readonly name?: string } }): string =>
  `${object.kind!.toLowerCase()}-${object.metadata!.name}.yaml`;

export function baseFiles(ctx: KubeContext): KubeFile[] {
  const objects = baseObjects(ctx);
  const kustomization = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: objects.map(objectFile),
    configMapGenerator: fileConfigMaps(ctx).map(config => ({
      name: config.name,
      files: config.items.map(item => `${item.key}=${BASE_TO_ROOT}${item.file}`),
      options: generated(ctx),
    })),
  };
  return [
    {
      path: `${KUBE_ROOT}/base/kustomization.yaml`,
      value: kustomization,
      comment: `Objects every deployment of ${ctx.model.answers.name} shares; build an overlay, not this folder.`,
    },
    ...objects.map(object => ({ path: `${KUBE_ROOT}/base/${objectFile(object)}`, value: object, comment: `${object.kind} ${object.metadata!.name}.` })),
  ];
}

export function overlayFiles(ctx: KubeContext, d: Deployment): KubeFile[] {
  const folder = `${KUBE_ROOT}/overlays/${d.name}`;
  const { namespace, ingress, httpRoute } = deploymentObjects(d);
  const own = deploymentFiles(ctx);
  const tags = new Map<string, string>();
  for (const c of ctx.containers) {
    const tag = variableTag(c.image);
    if (tag) tags.set(tag.name, envValue(ctx.model, tag.variable));
  }
  const kustomization = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    namespace: d.namespace,
    resources: ['../../base', objectFile(namespace), objectFile(ingress)],
    configMapGenerator: [
      { name: ENV_CONFIG_MAP, literals: settingsOf(ctx.model, d).map(([name, value]) => `${name}=${value}`), options: generated(ctx) },
      ...own.map(({ config }) => ({ name: config.name, files: config.items.map(item => `${item.key}=${item.key}`), options: generated(ctx) })),
    ],
    secretGenerator:
      ctx.model.secrets.length > 0
        ? [{ name: SECRETS, files: ctx.model.secrets.map(s => `${s.name}=${OVERLAY_TO_ROOT}${d.secretsDir}/${s.name}`), options: generated(ctx) }]
        : [],
    ...(tags.size > 0 ? { images: [...tags].map(([name, newTag]) => ({ name, newTag })) } : {}),
  };
  return [
    {
      path: `${folder}/kustomization.yaml`,
      value: kustomization,
      comment: `The ${d.name} deployment (${d.domain}) in namespace ${d.namespace}.\nkubectl kustomize --load-restrictor LoadRestrictionsNone ${folder} | kubectl apply -f -`,
    },
    { path: `${folder}/${objectFile(namespace)}`, value: namespace, comment: `Namespace of the ${d.name} deployment.` },
    {
      path: `${folder}/${objectFile(ingress)}`,
      value: ingress,
      comment: `Public edge of ${d.domain}; ../../gateway/${d.name} swaps it for a Gateway API HTTPRoute.`,
    },
    {
      path: `${KUBE_ROOT}/gateway/${d.name}/kustomization.yaml`,
      value: {
        apiVersion: 'kustomize.config.k8s.io/v1beta1',
        kind: 'Kustomization',
        namespace: d.namespace,
        resources: [`../../overlays/${d.name}`, objectFile(httpRoute)],
        patches: [{ patch: `$patch: delete\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: ${ingress.metadata!.name}\n` }],
      },
      comment: `The ${d.name} deployment behind a Gateway API Gateway instead of an Ingress controller.`,
    },
    { path: `${KUBE_ROOT}/gateway/${d.name}/${objectFile(httpRoute)}`, value: httpRoute, comment: `Routes of ${d.domain} through the cluster's Gateway.` },
  ];
}

/** Generated objects carry the portal's label too. */
const generated = (ctx: KubeContext) => ({ labels: { [PART_OF_LABEL]: ctx.model.answers.name } });

/** The non-secret settings of a deployment: the env file's variables with its own domain. */
export function settingsOf(model: PortalModel, d: Deployment): [string, string][] {
  return [['DOMAIN', d.domain], ...model.env.map(variable => [variable.name, variable.value] as [string, string])];
}

function envValue(model: PortalModel, name: string): string {
  const value = model.env.find(variable => variable.name === name)?.value;
  if (value === undefined) throw new Error(`internal: image tag variable ${name} is not in the env file`);
  return value;
}
