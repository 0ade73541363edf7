import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { threeWayMerge } from './three-way-merge.js';
import { mergeYaml } from './yaml-merge.js';

const base = `# Managed header
services:
  redis:
    image: redis:7.4.2-alpine
    user: 999:1000
  db:
    image: postgis/postgis:16-3.5
    ports:
      - "5432:5432"
`;

describe('key-by-key YAML merge', () => {
  it("keeps the user's comment, extra key and extra service next to the generator's new key, where lines would collide", () => {
    const yours = base
      .replace('    user: 999:1000\n', '    user: 999:1000\n    mem_limit: 1g  # ops: more memory\n')
      .replace('services:\n', 'services:\n  mailhog:\n    image: mailhog/mailhog:v1.0.1\n');
    const generated = base.replace('    user: 999:1000\n', '    user: 999:1000\n    hostname: redis\n');
    assert.ok(threeWayMerge(yours, base, generated).conflicts > 0, 'the line merge was expected to collide here');
    const merged = mergeYaml(yours, base, generated)!;
    assert.match(merged, /mem_limit: 1g # ops: more memory\n/);
    assert.match(merged, /hostname: redis\n/);
    assert.match(merged, /^ {2}mailhog:\n {4}image: mailhog\/mailhog:v1\.0\.1$/m);
    assert.ok(merged.startsWith('# Managed header\n'));
  });

  it("takes the generator's changes and removals where the user changed nothing, keeps the user's own changes", () => {
    const yours = base.replace('redis:7.4.2-alpine', 'redis:7.4.3-alpine');
    const generated = base.replace('    ports:\n      - "5432:5432"\n', '').replace('postgis/postgis:16-3.5', 'postgis/postgis:16-3.6');
    const merged = mergeYaml(yours, base, generated)!;
    assert.match(merged, /redis:7\.4\.3-alpine/);
    assert.match(merged, /postgis\/postgis:16-3\.6/);
    assert.doesNotMatch(merged, /ports:/);
  });

  it('gives up when both sides changed the same value, so the caller writes conflict markers', () => {
    const yours = base.replace('redis:7.4.2-alpine', 'redis:7.4.3-alpine');
    const generated = base.replace('redis:7.4.2-alpine', 'redis:7.4.4-alpine');
    assert.equal(mergeYaml(yours, base, generated), undefined);
  });

  it('changes no byte when neither side changed anything', () => {
    assert.equal(mergeYaml(base, base, base), base);
  });

  it('merges Prometheus scrape jobs by job_name: the user\u2019s extra job stays, the generator\u2019s new job is added', () => {
    const jobs = (names: string[]) =>
      `scrape_configs:\n${names.map(n => `  - job_name: ${n}\n    static_configs:\n      - targets:\n          - ${n}:9100\n`).join('')}`;
    const lastJobs = jobs(['backend', 'redis']);
    const yours = `${lastJobs}  - job_name: node-exporter\n    static_configs:\n      - targets:\n          - host:9100\n`;
    const generated = jobs(['backend', 'grafana']);
    const merged = mergeYaml(yours, lastJobs, generated)!;
    const names = [...merged.matchAll(/job_name: (\S+)/g)].map(m => m[1]);
    assert.deepEqual(names, ['backend', 'node-exporter', 'grafana']);
  });
});
