/**
 * An app that reads a secret from a variable (sagui's hyfaa-scheduler and its EODAG API key): in compose the
 * variable comes from `.env`; in the cluster the ConfigMap holds no secret, so the pod must take it from
 * the Secret, or the kubelet hands the app the literal text `$(VAR)`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { modelOf } from '../../testing/model.js';
import { assemble, planOf } from '../../testing/kubernetes.js';
import { presetAnswers } from '../../presets/index.js';
import { crossCheck, podsOf, type Loose } from './cross-checks.js';
import type { RawAnswers } from '../../answers/answers.js';

const sagui = { ...presetAnswers('sagui', { domain: 'sagui.example.org', imageTag: '2.3.1' }), targets: ['kubernetes'] } as RawAnswers;
const API_KEY = 'EODAG__HYDROWEB_NEXT__AUTH__CREDENTIALS__APIKEY';

const containerOf = (objects: readonly Loose[], owner: string): Loose => podsOf(objects).find(pod => pod.owner === owner)!.spec.containers[0];

describe('kubernetes: settings holding a secret', () => {
  it('sagui: the hyfaa scheduler reads its API key from the Secret, and every $(VAR) of a setting resolves', () => {
    const model = modelOf(sagui);
    const secret = model.secrets.find(s => s.env === `HYFAA_SCHEDULER_${API_KEY}`);
    assert.ok(secret, 'the preset declares the API key as a secret');
    const objects = assemble(planOf(model), 'overlays/prod');
    const setting = (containerOf(objects, 'Deployment hyfaa-scheduler').env as Loose[]).find(v => v.name === API_KEY);
    assert.deepEqual(setting, { name: API_KEY, valueFrom: { secretKeyRef: { name: 'portal-secrets', key: secret.name } } });
    assert.deepEqual(crossCheck(objects), []);
  });

  it('a secret both whole and inside a longer setting is defined once, before the setting that embeds it', () => {
    const raw = {
      targets: ['kubernetes'],
      services: 'postgis,redis',
      apps: [
        {
          id: 'worker',
          image: 'acme/worker:1.0',
          port: 8080,
          settings: { REDIS_URL: 'redis://:{redis.password}@{redis.host}:{redis.port}/0', REDIS_PASSWORD: '{redis.password}' },
        },
      ],
    } as unknown as RawAnswers;
    const objects = assemble(planOf(modelOf(raw)), 'overlays/prod');
    const env = podsOf(objects).find(pod => pod.owner.endsWith(' worker'))!.spec.containers[0].env as Loose[];
    const names = env.map(v => v.name);
    assert.equal(names.filter(name => name === 'REDIS_PASSWORD').length, 1, names.join(','));
    assert.ok(names.indexOf('REDIS_PASSWORD') < names.indexOf('REDIS_URL'));
    assert.deepEqual(env.find(v => v.name === 'REDIS_PASSWORD')?.valueFrom, { secretKeyRef: { name: 'portal-secrets', key: 'redis_password' } });
    assert.deepEqual(crossCheck(objects), []);
  });

  it('the cross-check names a setting whose $(VAR) nothing defines, and a key the Secret lacks', () => {
    const objects = assemble(planOf(modelOf(sagui)), 'overlays/prod');
    const container = containerOf(objects, 'Deployment hyfaa-scheduler');
    container.env = [
      ...container.env,
      { name: 'TOKEN', value: 'Bearer $(NOT_DEFINED)' },
      { name: 'ESCAPED', value: '$$(NOT_DEFINED)' },
      { name: 'KEY', valueFrom: { secretKeyRef: { name: 'portal-secrets', key: 'nope' } } },
    ];
    assert.deepEqual(crossCheck(objects), [
      'Deployment hyfaa-scheduler: container hyfaa-scheduler sets TOKEN from $(NOT_DEFINED), which nothing defines',
      'Deployment hyfaa-scheduler: container hyfaa-scheduler reads KEY from key "nope" of "portal-secrets", which does not hold it',
    ]);
  });
});
