import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultAnswers, defaultName, validateAnswers, type RawAnswers } from './answers.js';
import { PortalInputError } from './input-error.js';

const valid = (raw: RawAnswers = {}) => validateAnswers({ ...defaultAnswers({}, 'city-maps'), ...raw });

describe('answers', () => {
  it('gives the typical geospatial portal by default', () => {
    const answers = valid();
    assert.equal(answers.name, 'city-maps');
    assert.equal(answers.domain, 'city-maps.localhost');
    assert.equal(answers.backend, 'django');
    assert.deepEqual(answers.services, ['postgis', 'redis', 'tileserver', 'varnish', 'nginx', 'backup']);
    assert.equal(answers.storage, 'volumes');
    assert.equal(answers.dataRoot, undefined);
  });

  it('derives a valid default name from any folder name', () => {
    assert.equal(defaultName('My Portal_2'), 'my-portal-2');
    assert.equal(defaultName('123'), 'portal');
    assert.equal(defaultName('tmp.AbC'), 'tmp-abc');
  });

  it('accepts services as a comma list, in any order and case, and orders them like the catalog', () => {
    assert.deepEqual(valid({ services: 'NGINX, postgis,redis' }).services, ['postgis', 'redis', 'nginx']);
    assert.deepEqual(valid({ services: 'none' }).services, []);
  });

  it('keeps data-root only for bind storage and normalises it', () => {
    assert.equal(valid({ storage: 'bind', dataRoot: '/mnt/data/city/' }).dataRoot, '/mnt/data/city');
  });

  const bad: [string, RawAnswers, RegExp][] = [
    ['uppercase name', { name: 'City' }, /--name "City".*lowercase/],
    ['name with space', { name: 'city maps' }, /--name "city maps"/],
    ['name starting with a digit', { name: '1city' }, /--name "1city"/],
    ['one-letter name', { name: 'a' }, /--name "a"/],
    ['domain without dot', { domain: 'maps' }, /--domain "maps"/],
    ['domain with scheme', { domain: 'https://maps.example.org' }, /--domain/],
    ['domain with underscore', { domain: 'my_maps.example.org' }, /--domain/],
    ['unknown backend', { backend: 'rails' }, /--backend "rails".*django, fastapi, node, image/],
    ['unknown service', { services: 'postgis,celeri' }, /--services "celeri".*celery/],
    ['unknown storage', { storage: 'nfs' }, /--storage "nfs".*volumes, bind/],
    ['image without tag', { backend: 'image', backendImage: 'acme/api' }, /--backend-image "acme\/api".*explicit tag/],
    ['image with latest', { backend: 'image', backendImage: 'acme/api:latest' }, /--backend-image.*floating "latest"/],
    ['image missing', { backend: 'image' }, /--backend-image ""/],
    ['image without image backend', { backendImage: 'acme/api:1.0' }, /--backend-image "acme\/api:1.0".*--backend image/],
    ['port zero', { backend: 'image', backendImage: 'acme/api:1.0', backendPort: 0 }, /--backend-port "0"/],
    ['port text', { backend: 'image', backendImage: 'acme/api:1.0', backendPort: 'http' }, /--backend-port "http"/],
    ['relative data root', { storage: 'bind', dataRoot: 'data' }, /--data-root "data".*absolute/],
    ['data root with ..', { storage: 'bind', dataRoot: '/mnt/../etc' }, /--data-root/],
    ['bad acme email', { services: 'traefik,nginx', acmeEmail: 'nobody' }, /--acme-email "nobody"/],
  ];
  for (const [what, raw, message] of bad) {
    it(`refuses ${what}, naming the value and what is allowed`, () => {
      assert.throws(
        () => valid(raw),
        (error: unknown) => error instanceof PortalInputError && message.test(error.message),
      );
    });
  }
});
