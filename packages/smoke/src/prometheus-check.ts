/** Prometheus, asked for its targets: every one up, and none outside the compose services. */
import { get, type Edge } from './http.js';
import { sleep, type Report, type RunningStack } from './stack.js';

export async function prometheusTargets(stack: RunningStack, report: Report): Promise<void> {
  const edge: Edge = { service: 'prometheus', host: await stack.address('prometheus'), port: 9090, tls: false, domain: 'prometheus' };
  interface Target {
    labels: { job: string; instance: string };
    health: string;
    lastError: string;
    lastScrape: string;
  }
  let targets: Target[] = [];
  // a first scrape may come before its exporter listens: wait for every target to be up, for two
  // scrape intervals (15 s in the generated config) and a margin
  for (let i = 0; i < 40; i++) {
    const answer = await get(edge, '/api/v1/targets?state=active').catch(() => undefined);
    targets = answer?.status === 200 ? (JSON.parse(answer.body.toString()) as { data: { activeTargets: Target[] } }).data.activeTargets : [];
    if (targets.length > 0 && targets.every(t => t.health === 'up' || stack.notStarted(t.labels.instance.replace(/:\d+$/, '')))) break;
    await sleep(1000);
  }
  if (targets.length === 0) return report.fail('prometheus: scrape targets', 'no active target (is prometheus up?)');
  const host = (t: Target) => t.labels.instance.replace(/:\d+$/, '');
  const known = new Set(['localhost', ...stack.stack.services.flatMap(s => [s.name, s.hostname ?? s.name])]);
  const strangers = targets.filter(t => !known.has(host(t)));
  if (strangers.length > 0)
    report.fail('prometheus: scrape targets are compose services', strangers.map(t => `${t.labels.job}: ${t.labels.instance}`).join('\n'));
  const notHere = (t: Target) => known.has(host(t)) && host(t) !== 'localhost' && stack.notStarted(host(t));
  for (const t of targets.filter(notHere)) report.note(`prometheus target ${t.labels.job} (${t.labels.instance}) not checked: its service is not started here`);
  const down = targets.filter(t => !notHere(t) && t.health !== 'up');
  if (down.length > 0)
    report.fail('prometheus: every scrape target up', down.map(t => `${t.labels.job} ${t.labels.instance}: ${t.health} ${t.lastError}`).join('\n'));
  else
    report.ok(
      `prometheus: every scrape target up (${targets
        .filter(t => !notHere(t))
        .map(t => t.labels.job)
        .join(', ')})`,
    );
}
