/**
 * The first commit holds what the run generated, nothing that was in the folder before (keys, certificates,
 * dumps), nothing the generated .gitignore files would ignore, and is not made when the run ends unfinished.
 * An imported portal (answers, no files yet) is a new one: it gets the commit and the first-run "Next".
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runPortal } from '../testing/bin.js';
import { freshFolder } from '../testing/generate.js';
import { renderTemplate } from '../render/templates.js';
import { rootGitignore } from '../render/file-plan.js';
import { firstCommit } from './first-commit.js';

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' });
const tracked = (cwd: string) => git(cwd, 'ls-files').trim().split('\n');
const put = (root: string, path: string, content: string) => {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), content);
};

describe('the first commit holds only what this run generated', () => {
  it('a private key and a deploy_key already in the folder stay untracked, and the log says so', async () => {
    const folder = freshFolder('fh');
    put(folder, '.ssh/id_rsa', 'PRIVATE\n');
    put(folder, 'deploy_key', 'PRIVATE\n');
    const run = await runPortal(['--yes', '--name', 'fh', '--secret-seed', 'x'], { cwd: folder });
    assert.equal(run.code, 0, run.stderr);
    const files = tracked(folder);
    assert.ok(files.includes('docker-compose.yml') && files.includes('.gitignore') && files.includes('.yo-rc.json'));
    assert.equal(files.includes('.ssh/id_rsa') || files.includes('deploy_key'), false, files.join(' '));
    assert.match(run.stdout + run.stderr, /2 files that were already here are not committed/);
    assert.equal(readFileSync(join(folder, 'deploy_key'), 'utf8'), 'PRIVATE\n');
  });

  it('with a kept .gitignore lacking the generated lines, a certificate and a dump already there are not committed', () => {
    const folder = freshFolder('kept');
    put(folder, '.gitignore', 'node_modules/\n');
    put(folder, 'nginx/certs/privkey.pem', 'PRIVATE\n');
    put(folder, 'backups/db.dump', 'dump\n');
    put(folder, 'README.md', 'generated\n');
    put(folder, 'config/geo/README.md', 'generated\n');
    put(folder, 'config/geo/local.conf', 'password=1\n');
    const result = firstCommit(folder, 'test', {
      // a generated config file the generated config/.gitignore keeps out (that .gitignore is not on disk)
      paths: ['README.md', 'config/geo/README.md', 'config/geo/local.conf'],
      ignoreFiles: [
        { path: '.gitignore', content: rootGitignore() },
        { path: 'config/.gitignore', content: renderTemplate('config/gitignore.ejs') },
      ],
    });
    assert.equal(result.done, true);
    assert.deepEqual(tracked(folder), ['.gitignore', 'README.md', 'config/geo/README.md']);
    // the cert and the dump are ignored by the generated rules; nothing else was already here
    assert.equal(result.done && result.leftUntracked, 0);
  });

  it("a run that keeps the user's edits (exit 3) makes no repository", async () => {
    const folder = freshFolder('edited');
    put(folder, 'Makefile', 'mine:\n\techo mine\n');
    const run = await runPortal(['--yes', '--name', 'edited', '--secret-seed', 'x'], { cwd: folder });
    assert.equal(run.code, 3, run.stderr);
    assert.equal(existsSync(join(folder, '.git')), false);
  });

  it('a run that ends with conflicts (exit 4) makes no repository', async () => {
    const folder = freshFolder('conflicted');
    put(folder, 'README.md', '<<<<<<< yours\nmine\n=======\ntheirs\n>>>>>>> generator\n');
    const run = await runPortal(['--yes', '--name', 'conflicted', '--secret-seed', 'x'], { cwd: folder });
    assert.equal(run.code, 4, run.stderr);
    assert.equal(existsSync(join(folder, '.git')), false);
  });

  it('portal import, then portal --yes: a first commit and the first-run Next', async () => {
    const top = freshFolder('import');
    const old = join(top, 'old');
    const destination = join(top, 'i1');
    put(old, 'docker-compose.yml', 'services:\n  backend:\n    image: acme/back:1.0.0\n    expose: [8000]\n');
    mkdirSync(destination);
    const imported = await runPortal(['import', old], { cwd: destination });
    assert.equal(imported.code, 0, imported.stderr);
    const run = await runPortal(['--yes', '--secret-seed', 'x'], { cwd: destination });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(git(destination, 'rev-list', '--count', 'HEAD').trim(), '1');
    assert.ok(tracked(destination).includes('docker-compose.yml'));
    assert.match(run.stdout + run.stderr, /Wrote the \S+ deployment repo to/);
    assert.match(run.stdout + run.stderr, /scripts\/create-secrets\.sh[^\n]*\n(.*\n)*\s+PORTAL_ENV=prod scripts\/restart\.sh/);
    assert.doesNotMatch(run.stdout + run.stderr, /Updated the|with the changes/);
  });
});
