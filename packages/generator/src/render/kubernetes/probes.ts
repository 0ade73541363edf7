/**
 * A compose healthcheck as startup, readiness and liveness probes. An HTTP check on the container's own
 * address becomes an httpGet probe (the kubelet asks; the image needs no client); other checks run as exec;
 * an image without a shell (its healthExemption) gets a TCP probe on its port.
 */
import type { Container, Probe } from 'kubernetes-types/core/v1.js';
import type { ContainerSpec } from '../../catalog/types.js';
import { seconds, unescaped } from './values.js';

/** compose.ts' defaults, so the timings match what compose runs. */
const DEFAULTS = { interval: '10s', timeout: '5s', retries: 5, startPeriod: '30s' };
const LOCAL_URL = /^https?:\/\/(127\.0\.0\.1|localhost):(\d+)(\/[^\s'"]*)?$/;

/** Picked from Container, so a misspelt probe name fails the build. */
export type Probes = Pick<Container, 'startupProbe' | 'readinessProbe' | 'livenessProbe'>;

export function probesOf(c: ContainerSpec): Probes {
  const health = c.healthcheck ? { ...DEFAULTS, ...c.healthcheck } : undefined;
  if (!health) return c.healthExemption && c.port ? timed({ tcpSocket: { port: c.port } }, DEFAULTS) : {};
  return timed(handlerOf(health.test), health);
}

type Handler = Partial<Pick<Probe, 'httpGet' | 'exec' | 'tcpSocket'>>;

/** The probe handler a compose test stands for. */
export function handlerOf(test: readonly string[]): Handler {
  const [kind, ...args] = test;
  const urls = args.flatMap(arg => arg.split(/['"\s]/)).filter(part => LOCAL_URL.test(part));
  // one local URL and nothing but a client around it: the kubelet asks the same URL
  if (urls.length === 1 && kind === 'CMD' && ['wget', 'curl', 'python', 'python3'].includes(args[0] ?? '')) {
    const [, host, port, path] = LOCAL_URL.exec(urls[0]!)!;
    // the Host compose's client sends: the kubelet's default, the pod's address, is one an app checking
    // its host names refuses (Django's ALLOWED_HOSTS answers 400)
    return { httpGet: { path: path ?? '/', port: Number(port), httpHeaders: [{ name: 'Host', value: `${host}:${port}` }] } };
  }
  if (kind === 'CMD-SHELL') return { exec: { command: ['sh', '-c', unescaped(args.join(' '))] } };
  if (kind === 'CMD') return { exec: { command: args.map(unescaped) } };
  throw new Error(`internal: healthcheck test ${JSON.stringify(test)} has no probe form`);
}

/** The startup probe allows the start period; then readiness and liveness fail after `retries` misses. */
function timed(handler: Handler, health: { interval: string; timeout: string; retries: number; startPeriod: string }): Probes {
  const period = seconds(health.interval);
  const timeout = seconds(health.timeout);
  const steady = { ...handler, periodSeconds: period, timeoutSeconds: timeout, failureThreshold: health.retries };
  return {
    startupProbe: { ...handler, periodSeconds: 5, timeoutSeconds: timeout, failureThreshold: Math.ceil(seconds(health.startPeriod) / 5) + health.retries },
    readinessProbe: { ...steady, failureThreshold: Math.min(3, health.retries) },
    livenessProbe: steady,
  };
}
