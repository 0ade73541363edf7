/** The parsed merge on a small repo: compose's merge rules and the forms its `config` prints (docker-compose 1.29.2 printed this same model for these files). */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { freshFolder } from 'generator-portal/testing/generate.js';
import { parsedComposeConfig } from './parsed-compose.js';

it('merges base and override as docker-compose 1.29 config prints them', () => {
  const root = freshFolder('parsed');
  writeFileSync(join(root, '.env.example'), 'TAG=1.2\nPASSWORD=\n');
  writeFileSync(
    join(root, 'docker-compose.yml'),
    [
      'services:',
      '  app:',
      '    image: app:${TAG}',
      '    pull_policy: build',
      '    cpus: "0.5"',
      '    environment: [A=1, B=2]',
      '    networks: [internal]',
      '    volumes: [data:/var/data, ./conf:/etc/app:ro]',
      '    cap_drop: [ALL]',
      '    security_opt: [no-new-privileges:true]',
      '    healthcheck: {test: [CMD-SHELL, "test -n \\"$$HOME\\""], interval: 60s, timeout: 90s}',
      'networks:',
      '  internal: {internal: true}',
      'volumes:',
      '  data: {}',
      'secrets:',
      '  pw: {file: ./secrets/pw}',
    ].join('\n'),
  );
  writeFileSync(
    join(root, 'docker-compose.prod.yml'),
    [
      'services:',
      '  app:',
      '    environment: {B: "3", C: "${PASSWORD}"}',
      '    secrets: [pw]',
      '    ports: ["127.0.0.1:8080:80", "443:443"]',
      '    volumes: [./extra:/a/first]',
      '    cap_drop: [ALL]',
      '  edge:',
      '    image: edge',
      '    networks: [internal]',
    ].join('\n'),
  );
  assert.deepEqual(parsedComposeConfig(root, 'docker-compose.prod.yml'), {
    version: '3.9',
    services: {
      app: {
        image: 'app:1.2',
        cpus: 0.5,
        environment: { A: '1', B: '3', C: '' },
        networks: { internal: {} },
        volumes: [`${root}/extra:/a/first:rw`, `${root}/conf:/etc/app:ro`, 'data:/var/data:rw'],
        cap_drop: ['ALL'],
        security_opt: ['no-new-privileges:true'],
        healthcheck: { test: ['CMD-SHELL', 'test -n "$$HOME"'], interval: '1m', timeout: '90s' },
        secrets: [{ source: 'pw' }],
        ports: ['127.0.0.1:8080:80/tcp', { target: 443, published: 443 }],
      },
      edge: { image: 'edge', networks: { internal: {} } },
    },
    networks: { internal: { internal: true } },
    volumes: { data: {} },
    secrets: { pw: { file: `${root}/secrets/pw` } },
  });
});
