/** verify's install hints name packages and images a user of the generated repo can get, not files of ours. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IMAGES } from 'generator-portal/catalog/images.js';
import { DOCKER_TOOLS, INSTALL_HINTS, missing } from '../checks/tools.js';

describe('install hints', () => {
  it('name a package for every tool and no path of this repository', () => {
    for (const name of Object.keys(INSTALL_HINTS)) {
      const hint = missing(name);
      assert.doesNotMatch(hint, /\.ci\/|install-validators|\.tools\//, hint);
      assert.match(hint, /install: (apt-get install|npm install -g) \S/, hint);
    }
  });

  it('name the image verify runs when an engine answers', () => {
    assert.equal(
      missing('promtool'),
      `promtool not found; install: apt-get install prometheus (it holds promtool), or start a Docker engine and verify runs ${IMAGES.prometheus}`,
    );
    for (const [name, { image }] of Object.entries(DOCKER_TOOLS)) assert.ok(missing(name).endsWith(`verify runs ${image}`), name);
  });
});
