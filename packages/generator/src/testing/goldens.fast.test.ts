/** Each golden scenario generated now equals its tree under test/goldens/: paths, modes and bytes. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { GIT_NAME_SUFFIX, GOLDEN_SCENARIOS, generateScenario, listingPath, readTree, storedName, treePath } from './goldens.js';

const UPDATE = 'if the change is meant, run `npm run goldens:update` and review the diff';

describe('golden trees', () => {
  for (const name of Object.keys(GOLDEN_SCENARIOS)) {
    it(`${name}: the generated repo equals test/goldens/${name}`, async () => {
      assert.ok(existsSync(listingPath(name)), `no golden for ${name}: ${UPDATE}`);
      const now = readTree(await generateScenario(name));
      assert.equal(now.listing, readFileSync(listingPath(name), 'utf8'), `paths or modes changed: ${UPDATE}`);
      const kept = [...readTree(treePath(name)).files.keys()].sort();
      assert.deepEqual(kept, [...now.files.keys()].map(storedName).sort(), `test/goldens/${name} holds other files than its listing: ${UPDATE}`);
      for (const [path, bytes] of now.files) {
        const text = bytes.toString('utf8');
        assert.ok(!text.includes('\0') && Buffer.from(text, 'utf8').equals(bytes), `${path} is not text: goldens are binary-free`);
        assert.equal(text, readFileSync(`${treePath(name)}/${storedName(path)}`, 'utf8'), `${path} changed: ${UPDATE}`);
      }
    });
  }

  it('a stored name keeps git from reading a generated .gitignore as its own', () => {
    assert.equal(storedName('.gitignore'), `.gitignore${GIT_NAME_SUFFIX}`);
    assert.equal(storedName('nginx/.gitignore'), `nginx/.gitignore${GIT_NAME_SUFFIX}`);
    assert.equal(storedName('docker-compose.yml'), 'docker-compose.yml');
  });
});
