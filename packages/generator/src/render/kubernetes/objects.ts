/** The objects of the Kubernetes target: those every deployment shares (the base) and one deployment's own. */
import type { Ingress, NetworkPolicy } from 'kubernetes-types/networking/v1.js';
import type { ConfigMap, Namespace, ServiceAccount } from 'kubernetes-types/core/v1.js';
import type { Role, RoleBinding } from 'kubernetes-types/rbac/v1.js';
import type { PortalModel } from '../../model/portal-model.js';
import { jobWaiterAccess, networkPolicies } from './access.js';
import type { KubeContext } from './context.js';
import { PART_OF_LABEL } from './labels.js';
import { httpRouteOf, ingressOf, type HttpRoute } from './edge.js';
import { sharedClaims, workloadObjects, type WorkloadObject } from './workloads.js';

export type BaseObject = WorkloadObject | NetworkPolicy | ServiceAccount | Role | RoleBinding;
export type KubeObject = BaseObject | Namespace | Ingress | HttpRoute | ConfigMap;

/** Every object carries the portal's name, as kustomize's and Helm's generated objects do (kustomize.ts, helm.ts). */
export function labelled<T extends { readonly metadata?: { readonly labels?: Readonly<Record<string, string>> } }>(object: T, portal: string): T {
  return { ...object, metadata: { ...object.metadata, labels: { ...object.metadata?.labels, [PART_OF_LABEL]: portal } } };
}

export function baseObjects(ctx: KubeContext): BaseObject[] {
  return unlabelledBase(ctx).map(object => labelled(object, ctx.model.answers.name));
}

function unlabelledBase(ctx: KubeContext): BaseObject[] {
  const waitsForJob = ctx.containers.some(c =>
    Object.entries(c.dependsOn ?? {}).some(([name, condition]) => condition === 'service_completed_successfully' && ctx.kinds.get(name) === 'Job'),
  );
  return [
    ...ctx.containers.flatMap(c => workloadObjects(c, ctx)),
    ...sharedClaims(ctx),
    ...networkPolicies(ctx, waitsForJob),
    ...(waitsForJob ? jobWaiterAccess() : []),
  ];
}

/** A deployment (prod or an instance): where it runs and the names it answers to. */
export interface Deployment {
  readonly name: string;
  readonly namespace: string;
  readonly domain: string;
  /** Its secret files, relative to the repo root. */
  readonly secretsDir: string;
  /** Its model: the instance's domain (its sub-domains follow). */
  readonly model: PortalModel;
}

export function deploymentsOf(model: PortalModel): Deployment[] {
  const { answers } = model;
  return [
    { name: 'prod', namespace: answers.name, domain: answers.domain, secretsDir: 'secrets', model },
    ...(answers.instances ?? []).map(instance => ({
      name: instance.name,
      namespace: `${answers.name}-${instance.name}`,
      domain: instance.domain,
      secretsDir: `secrets/${instance.name}`,
      model: { ...model, answers: { ...answers, domain: instance.domain } },
    })),
  ];
}

export function deploymentObjects(d: Deployment): { namespace: Namespace; ingress: Ingress; httpRoute: HttpRoute } {
  const portal = d.model.answers.name;
  return {
    namespace: labelled({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: d.namespace } } as Namespace, portal),
    ingress: labelled(ingressOf(d.model, d.domain), portal),
    httpRoute: labelled(httpRouteOf(d.model, d.domain), portal),
  };
}
