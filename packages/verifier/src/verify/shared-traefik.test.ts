/**
 * Behind a shared Traefik, the generated repo passes every validator and the checklist: docker-compose
 * config, nginx -t, varnishd -C, the live proxy run (varnish in front of nginx, or nginx alone) and the rest.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { generate } from 'generator-portal/testing/generate.js';
import { verifyRepo } from './index.js';

const TOPOLOGIES = {
  /** varnish is the entry, nginx serves files behind it. */
  varnishEntry: { name: 'shared-a', domain: 'a.example.org', traefikNetwork: 'traefik-proxy_proxy_network' },
  /** nginx is the entry; the shared Traefik's own entry point and resolver names. */
  nginxEntry: {
    name: 'shared-b',
    domain: 'b.example.org',
    services: 'postgis,tileserver,nginx',
    traefikNetwork: 'proxy',
    traefikEntrypoint: 'https',
    traefikCertResolver: 'le',
  },
};

describe('a stack behind a shared Traefik passes verify', () => {
  for (const [name, options] of Object.entries(TOPOLOGIES)) {
    it(name, async () => {
      const repo = await generate(options);
      const prod = readFileSync(join(repo, 'docker-compose.prod.yml'), 'utf8');
      assert.match(prod, new RegExp(`traefik\\.docker\\.network=${options.traefikNetwork}\n`));
      assert.doesNotMatch(prod, /ports:/);
      const results = await verifyRepo(repo);
      const failed = results.filter(result => result.status === 'failed').map(result => `${result.name}: ${result.detail}`);
      assert.deepEqual(failed, []);
      // the validators that matter for the mode ran, not skipped
      for (const tool of [/docker-compose config/, /nginx -t/, /varnishd -C/, /live/]) {
        const ran = results.filter(result => tool.test(result.name));
        if (name === 'nginxEntry' && /varnishd/.test(String(tool))) continue;
        assert.ok(ran.length > 0 && ran.every(result => result.status === 'passed'), `${tool}: ${JSON.stringify(ran)}`);
      }
    });
  }
});
