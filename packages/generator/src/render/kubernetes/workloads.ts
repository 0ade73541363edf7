/**
 * Each container as its workload: long-running servers as Deployments (with a Service and a
 * PodDisruptionBudget when they answer on a port), servers keeping data of their own as StatefulSets with a
 * headless Service and volume claims, one-shot steps as Jobs, scheduled loops as CronJobs.
 */
import type { Deployment, StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { CronJob, Job } from 'kubernetes-types/batch/v1.js';
import type { PersistentVolumeClaim, Service } from 'kubernetes-types/core/v1.js';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
import type { ContainerSpec } from '../../catalog/types.js';
import { DEFAULT_CLAIM_SIZE, type KubeContext } from './context.js';
import { podLabels, selectorOf } from './labels.js';
import { podTemplate } from './pod.js';

export type Workload = Deployment | StatefulSet | Job | CronJob;
export type WorkloadObject = Workload | Service | PodDisruptionBudget | PersistentVolumeClaim;

export function workloadObjects(c: ContainerSpec, ctx: KubeContext): WorkloadObject[] {
  const kind = ctx.kinds.get(c.name)!;
  const metadata = { name: c.name, labels: podLabels(c, ctx.model.answers.name) };
  const ports = ctx.servicePorts.get(c.name) ?? [];
  if (kind === 'CronJob') {
    const schedule = c.schedule!;
    const cronJob: CronJob = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata,
      spec: {
        schedule: schedule.cron,
        timeZone: 'Etc/UTC',
        concurrencyPolicy: 'Forbid',
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 3,
        jobTemplate: {
          spec: {
            backoffLimit: 2,
            template: podTemplate(c, ctx, { run: 'once', command: schedule.command, environment: schedule.environment }),
          },
        },
      },
    };
    return [cronJob];
  }
  if (kind === 'Job') {
    const job: Job = { apiVersion: 'batch/v1', kind: 'Job', metadata, spec: { backoffLimit: 4, template: podTemplate(c, ctx, { run: 'once' }) } };
    return [job];
  }
  const service = (headless: boolean): Service[] =>
    ports.length === 0
      ? []
      : [
          {
            apiVersion: 'v1',
            kind: 'Service',
            metadata,
            spec: {
              clusterIP: headless ? 'None' : undefined,
              selector: selectorOf(c),
              ports: ports.map(port => ({ name: `tcp-${port}`, port, targetPort: port, protocol: 'TCP' })),
            },
          },
        ];
  if (kind === 'StatefulSet') {
    const claims = ctx.ownClaims.get(c.name) ?? [];
    const statefulSet: StatefulSet = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata,
      spec: {
        serviceName: c.name,
        replicas: 1,
        selector: { matchLabels: selectorOf(c) },
        template: podTemplate(c, ctx, { ownClaims: claims }),
        volumeClaimTemplates: claims.map(claim => ({
          metadata: { name: claim },
          spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: DEFAULT_CLAIM_SIZE } } },
        })),
      },
    };
    return [statefulSet, ...service(true)];
  }
  const deployment: Deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata,
    spec: {
      replicas: 1,
      selector: { matchLabels: selectorOf(c) },
      // a singleton stops before its replacement starts: two would run every periodic task twice
      strategy: c.singleton ? { type: 'Recreate' } : undefined,
      template: podTemplate(c, ctx),
    },
  };
  const budget: PodDisruptionBudget[] =
    ports.length > 0 && !c.singleton
      ? [{ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata, spec: { maxUnavailable: 1, selector: { matchLabels: selectorOf(c) } } }]
      : [];
  return [deployment, ...service(false), ...budget];
}

/** A claim for each storage item several workloads mount (static files, uploads, dumps). */
export function sharedClaims(ctx: KubeContext): PersistentVolumeClaim[] {
  return ctx.sharedClaims.map(item => {
    const users = ctx.containers.filter(c => c.mounts?.some(m => 'storage' in m && m.storage === item));
    return {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: item, labels: { 'app.kubernetes.io/part-of': ctx.model.answers.name } },
      spec: {
        // pods of several workloads, possibly on several nodes, mount it at once
        accessModes: [users.length > 1 ? 'ReadWriteMany' : 'ReadWriteOnce'],
        resources: { requests: { storage: DEFAULT_CLAIM_SIZE } },
      },
    };
  });
}
