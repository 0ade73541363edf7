/**
 * The paths refused for apps and folders (by the answers, or by the model for a module's own `sitePaths`) are
 * the ones the catalog's services route on the domain.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultAnswers, validateAnswers } from '../answers/answers.js';
import { buildPortalModel } from '../model/build-portal-model.js';
import { servicePaths } from './index.js';
import { RESERVED_ROUTES, SITE_PATHS } from './site-paths.js';

describe('site paths', () => {
  it('every path a service routes on the domain at its own place is reserved, and every reserved route is one of them or a backend endpoint', () => {
    const answers = validateAnswers({
      ...defaultAnswers({}, 'city-maps'),
      backend: 'django',
      services: ['postgis', 'redis', 'celery', 'flower', 'tileserver', 'martin', 'nginx', 'prometheus', 'grafana'],
    } as never);
    const model = buildPortalModel(answers);
    // the backend's other paths (/api/, /admin/) are its own: a prebuilt backend's contract may tune them
    const own = model.routes.filter(route => !route.host && (route.files || route.path === '/' || route.upstream?.host !== 'backend')).map(route => route.path);
    const reserved = [...RESERVED_ROUTES.filter(path => path !== SITE_PATHS.health && path !== SITE_PATHS.metrics), ...servicePaths().keys()];
    assert.deepEqual([...own].sort(), reserved.sort());
  });
});
