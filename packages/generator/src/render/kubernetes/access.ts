/** Who may talk to whom: compose's networks as NetworkPolicies, and the API access of pods waiting for a Job. */
import type { NetworkPolicy } from 'kubernetes-types/networking/v1.js';
import type { Role, RoleBinding } from 'kubernetes-types/rbac/v1.js';
import type { ServiceAccount } from 'kubernetes-types/core/v1.js';
import { JOB_WAITER, type KubeContext } from './context.js';
import { API_LABEL, networkLabel, selectorOf } from './labels.js';

/**
 * Everything denied, then: DNS for every pod; the internal network talks within itself (compose's prod
 * `internal: true`, no way out); the edge network reaches out; the front takes traffic from the Ingress or
 * Gateway controller's namespace; pods waiting for a Job reach the API server.
 */
export function networkPolicies(ctx: KubeContext, waitsForJob: boolean): NetworkPolicy[] {
  const policy = (name: string, spec: NetworkPolicy['spec']): NetworkPolicy => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name },
    spec,
  });
  const internal = { matchLabels: { [networkLabel('internal')]: 'true' } };
  const edge = { matchLabels: { [networkLabel('edge')]: 'true' } };
  const anywhere = [{ ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }];
  const front = ctx.containers.find(c => c.name === ctx.model.front.name);
  const frontPorts = front ? (ctx.servicePorts.get(front.name) ?? []).slice(0, 1) : [];
  return [
    policy('default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
    policy('allow-dns', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        {
          to: [{ namespaceSelector: {}, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
          ports: [
            { protocol: 'UDP', port: 53 },
            { protocol: 'TCP', port: 53 },
          ],
        },
      ],
    }),
    policy('internal-network', {
      podSelector: internal,
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ podSelector: internal }] }],
      egress: [{ to: [{ podSelector: internal }] }],
    }),
    policy('edge-network', { podSelector: edge, policyTypes: ['Egress'], egress: [{ to: anywhere }] }),
    ...(front && frontPorts.length > 0
      ? [
          policy('front-ingress', {
            podSelector: { matchLabels: selectorOf(front) },
            policyTypes: ['Ingress'],
            ingress: [{ from: [{ namespaceSelector: {} }], ports: frontPorts.map(port => ({ protocol: 'TCP', port })) }],
          }),
        ]
      : []),
    ...(waitsForJob
      ? [
          policy('api-access', {
            podSelector: { matchLabels: { [API_LABEL]: 'true' } },
            policyTypes: ['Egress'],
            egress: [
              {
                to: anywhere,
                ports: [
                  { protocol: 'TCP', port: 443 },
                  { protocol: 'TCP', port: 6443 },
                ],
              },
            ],
          }),
        ]
      : []),
  ];
}

/** The account of pods whose init container waits for a Job: it may read Jobs, nothing else. */
export function jobWaiterAccess(): (ServiceAccount | Role | RoleBinding)[] {
  const metadata = { name: JOB_WAITER };
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata, automountServiceAccountToken: true },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata,
      rules: [{ apiGroups: ['batch'], resources: ['jobs'], verbs: ['get', 'list', 'watch'] }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: JOB_WAITER },
      subjects: [{ kind: 'ServiceAccount', name: JOB_WAITER }],
    },
  ];
}
