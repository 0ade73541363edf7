/**
 * The starter backends answer their health, API and metrics endpoints. Python starters run in-process
 * with Debian's Django and FastAPI test clients (the images pin newer releases); Node runs its server.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { freshFolder, generate } from 'generator-portal/testing/generate.js';

const python = (cwd: string, script: string, env: Record<string, string> = {}) =>
  spawnSync('/usr/bin/python3', ['-c', script], { cwd, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });

const hasModule = (module: string) => python('/', `import ${module}`).status === 0;
const skipUnlessModule = (module: string) => (process.env.CI === 'true' || hasModule(module) ? false : `python3-${module} not installed`);

describe('starter backends answer', () => {
  it('django: /health, /api/, /metrics (multiprocess, as under gunicorn), admin redirects to login', { skip: skipUnlessModule('django') }, async () => {
    const repo = await generate({ name: 'city-maps', services: 'none' });
    // PROMETHEUS_MULTIPROC_DIR as in prod, where gunicorn's workers share their metrics through files
    const result = python(
      join(repo, 'backend'),
      [
        'import json, os, django',
        'django.setup()',
        'from django.core.management import call_command',
        'call_command("migrate", verbosity=0)',
        'from django.test import Client',
        'c = Client()',
        'codes = [c.get(p).status_code for p in ["/health", "/api/", "/", "/admin/"]]',
        'metrics = c.get("/metrics").content.decode()',
        'print(json.dumps({"codes": codes, "counted": "portal_http_requests_total{method=\\"GET\\",status=\\"200\\"}" in metrics}))',
      ].join('\n'),
      {
        DJANGO_SETTINGS_MODULE: 'city_maps.settings',
        DJANGO_SECRET_KEY: 'test-key',
        DJANGO_ALLOWED_HOSTS: 'testserver',
        METRICS_ENABLED: '1',
        PROMETHEUS_MULTIPROC_DIR: freshFolder('metrics'),
      },
    );
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout.trim().split('\n').at(-1)!), { codes: [200, 200, 200, 302], counted: true });
  });

  it('django refuses to start without a secret key', { skip: skipUnlessModule('django') }, async () => {
    const repo = await generate({ name: 'city-maps', services: 'none' });
    const result = python(join(repo, 'backend'), 'import django; django.setup()', { DJANGO_SETTINGS_MODULE: 'city_maps.settings', DJANGO_SECRET_KEY: '' });
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /DJANGO_SECRET_KEY is empty/);
  });

  it('fastapi: /health, /api/, no /metrics without Prometheus, and the websocket echo', { skip: skipUnlessModule('fastapi') }, async () => {
    const repo = await generate({ backend: 'fastapi', services: 'none' });
    const result = python(
      join(repo, 'backend'),
      [
        'import json',
        'from fastapi.testclient import TestClient',
        'from app.main import app',
        'c = TestClient(app)',
        'codes = [c.get(p).status_code for p in ["/health", "/api/", "/", "/metrics"]]',
        'with c.websocket_connect("/ws/echo") as ws:',
        '    ws.send_text("ping")',
        '    echo = ws.receive_text()',
        'print(json.dumps({"codes": codes, "echo": echo}))',
      ].join('\n'),
    );
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout.trim().split('\n').at(-1)!), { codes: [200, 200, 200, 404], echo: 'ping' });
  });

  it('node: /health, /api/ and /metrics', async () => {
    const repo = await generate({ backend: 'node', services: 'none' });
    const port = String(38_000 + (process.pid % 1000));
    const server = spawn(process.execPath, ['src/server.js'], {
      cwd: join(repo, 'backend'),
      env: { ...process.env, PORT: port, METRICS_ENABLED: '1' },
      stdio: 'pipe',
    });
    try {
      await new Promise<void>(resolve => server.stdout.once('data', () => resolve()));
      const get = async (path: string) => fetch(`http://127.0.0.1:${port}${path}`);
      assert.equal((await get('/health')).status, 200);
      assert.deepEqual(await (await get('/api/')).json(), { name: 'portal', status: 'ok' });
      assert.match(await (await get('/metrics')).text(), /portal_http_requests_total\{method="GET",status="200"\} 2/);
    } finally {
      server.kill();
    }
  });
});
