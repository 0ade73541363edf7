/**
 * Our Django image runs as `USER app` (10001, by name) and writes static and media files: compose's new
 * named volume copies the image's folder with its owner, a fresh claim is root's 0755. The pods that write
 * a claim get its owner's group as fsGroup; an image started as root that chowns its data keeps none.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALL_SERVICES, modelOf } from '../../testing/model.js';
import { assemble, planOf } from '../../testing/kubernetes.js';
import { podsOf } from './cross-checks.js';
import type { RawAnswers } from '../../answers/answers.js';

describe('kubernetes: the group of the claims a pod writes', () => {
  it('backend and migrate write static and media as group 10001; nginx reads them as its own; db and rabbitmq chown theirs', () => {
    const objects = assemble(planOf(modelOf({ services: ALL_SERVICES, targets: ['kubernetes'] } as RawAnswers)), 'overlays/prod');
    const fsGroup = Object.fromEntries(podsOf(objects).map(pod => [pod.owner, pod.spec.securityContext?.fsGroup]));
    assert.equal(fsGroup['Deployment backend'], 10001);
    assert.equal(fsGroup['Job migrate'], 10001);
    assert.equal(fsGroup['Deployment nginx'], 101);
    assert.equal(fsGroup['StatefulSet db'], undefined);
    assert.equal(fsGroup['StatefulSet rabbitmq'], undefined);
    assert.equal(fsGroup['CronJob backup'], undefined);
  });
});
