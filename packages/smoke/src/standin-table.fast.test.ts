/**
 * The stand-in table against its Dockerfiles and the catalog, without an engine: every stand-in has its
 * build folder FROM the base and builds offline, every official image the catalog pins has a stand-in or
 * is named as having none, and image references resolve whatever their registry prefix, tag or digest.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { IMAGES } from 'generator-portal/catalog/images.js';
import { SMOKE_ROOT } from './standin-files.js';
import { BASE_IMAGE, BASE_PACKAGES, parseImage, STANDINS, standInFor } from './standin-table.js';

const FOLDER = join(SMOKE_ROOT, 'src', 'standins', 'images');

/** Images the smoke run does not boot: no Debian package and no stand-in (yet). */
const WITHOUT_STANDIN: Record<string, string> = {
  traefik: 'no Debian package of traefik v3',
  mongo: 'no Debian package of MongoDB',
  orientdb: 'no Debian package of OrientDB',
  'confluentinc/cp-zookeeper': 'no Debian package of the Confluent platform',
  'confluentinc/cp-kafka': 'no Debian package of the Confluent platform',
  'mher/flower': "flower is not in Debian's celery packages",
  'axllent/mailpit': 'no Debian package of mailpit',
};

/** Dockerfile instructions, continuation lines joined, comments dropped. */
function instructions(dockerfile: string): string[] {
  return dockerfile
    .split('\n')
    .filter(line => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map(line => line.trim())
    .filter(Boolean);
}

describe('stand-in images', () => {
  it('each has its own folder, and no folder is without an entry', () => {
    const names = STANDINS.map(s => s.name);
    assert.deepEqual([...new Set(names)], names, 'names are unique');
    assert.deepEqual(readdirSync(FOLDER).sort(), [...names].sort());
  });

  for (const standIn of STANDINS) {
    it(`${standIn.name}: one stage FROM ${BASE_IMAGE}, nothing fetched, every COPY source in its folder`, () => {
      const steps = instructions(readFileSync(join(FOLDER, standIn.name, 'Dockerfile'), 'utf8'));
      assert.equal(steps[0], `FROM ${BASE_IMAGE}`);
      assert.deepEqual(
        steps.filter(step => /^FROM\s/i.test(step)),
        [`FROM ${BASE_IMAGE}`],
      );
      for (const step of steps.filter(s => /^RUN\s/i.test(s))) {
        assert.doesNotMatch(step, /\b(apt-get|apt|apk|pip3?|npm|curl|wget|git)\s/, `${standIn.name} builds offline: ${step}`);
      }
      for (const step of steps.filter(s => /^(COPY|ADD)\s/i.test(s))) {
        assert.doesNotMatch(step, /^ADD\s/i, 'COPY, not ADD (no URLs)');
        const words = step
          .split(/\s+/)
          .slice(1)
          .filter(word => !word.startsWith('--'));
        for (const source of words.slice(0, -1)) assert.ok(existsSync(join(FOLDER, standIn.name, source)), `${standIn.name}/${source} exists`);
      }
    });

    it(`${standIn.name}: says it is a stand-in, names its upstream source and commit`, () => {
      assert.match(standIn.says, /^stand-in\b/);
      assert.doesNotMatch(standIn.says, /\n/);
      assert.match(standIn.source, /^[\w.-]+\/[\w.-]+ .*@[0-9a-f]{40}\b/);
      assert.ok(standIn.replaces.length > 0);
    });
  }

  it('the two postgres stand-ins run the same entrypoint', () => {
    const read = (name: string) => readFileSync(join(FOLDER, name, 'docker-entrypoint.sh'), 'utf8');
    assert.equal(read('postgres-alpine'), read('postgis'));
  });

  it('the base has no wget or curl: a healthcheck calling a tool the image lacks must fail', () => {
    for (const tool of ['wget', 'curl']) assert.ok(!BASE_PACKAGES.includes(tool), tool);
    const applets = STANDINS.filter(s => /busybox --install/.test(readFileSync(join(FOLDER, s.name, 'Dockerfile'), 'utf8'))).map(s => s.name);
    // the Debian-based images (and scratch) keep Debian's tools only
    for (const debian of ['postgis', 'python', 'node', 'nginx-exporter']) assert.ok(!applets.includes(debian), debian);
    for (const alpine of ['redis', 'varnish', 'nginx-unprivileged', 'grafana', 'alpine', 'prometheus']) assert.ok(applets.includes(alpine), alpine);
  });
});

describe('official images of the catalog', () => {
  for (const [key, image] of Object.entries(IMAGES)) {
    it(`${key} (${image}) has a stand-in or is named as having none`, () => {
      const { repository } = parseImage(image);
      const standIn = standInFor(image);
      if (repository in WITHOUT_STANDIN) assert.equal(standIn, undefined, `${image} is listed as having none, but has ${standIn?.name}`);
      else assert.ok(standIn, `${image}: no stand-in; add one, or list it in WITHOUT_STANDIN with the reason`);
    });
  }

  it('the list of images without one names only images the catalog uses', () => {
    const used = new Set(Object.values(IMAGES).map(image => parseImage(image).repository));
    for (const repository of Object.keys(WITHOUT_STANDIN)) assert.ok(used.has(repository), repository);
  });
});

describe('standInFor', () => {
  const cases: [string, string | undefined][] = [
    ['redis:7.4.2-alpine', 'redis'],
    ['docker.io/library/redis:7.4.2-alpine', 'redis'],
    ['library/redis:7.4-alpine3.21@sha256:' + 'a'.repeat(64), 'redis'],
    ['redis:7.4.2-bookworm', undefined],
    ['redis', undefined],
    ['docker.io/library/postgres:16.6-alpine@sha256:' + 'b'.repeat(64), 'postgres-alpine'],
    ['postgres:16.6-bookworm', undefined],
    ['postgis/postgis:16-3.5', 'postgis'],
    ['postgis/postgis:16-3.5-alpine', undefined],
    ['postgis/postgis', 'postgis'],
    ['docker.io/postgis/postgis:16-3.5', 'postgis'],
    ['nginxinc/nginx-unprivileged:1.27.3-alpine', 'nginx-unprivileged'],
    ['nginxinc/nginx-unprivileged:1.27.3', undefined],
    ['python:3.12.8-slim-bookworm', 'python'],
    ['python:3.12-alpine', undefined],
    ['node:20.18.1-bookworm-slim', 'node'],
    ['prom/prometheus:v2.55.1', 'prometheus'],
    ['quay.io/prometheuscommunity/postgres-exporter:v0.16.0', 'postgres-exporter'],
    ['alpine', 'alpine'],
    ['alpine:3.21.2', 'alpine'],
    ['ghcr.io/acme/portal-api:1.4.2', undefined],
    ['traefik:v3.2.3', undefined],
    ['localhost:5000/redis:7-alpine', undefined],
  ];
  for (const [image, name] of cases) {
    it(`${image} -> ${name ?? 'none'}`, () => assert.equal(standInFor(image)?.name, name));
  }

  it('a registry port is not read as a tag', () => {
    assert.deepEqual(parseImage('localhost:5000/redis'), { repository: 'localhost:5000/redis', tag: '' });
  });
});
