/**
 * Bad input, table-driven: each case gets exit code 2, one line naming the culprit, and a destination
 * tree that is byte-for-byte what it was (empty, or a generated portal).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { freshFolder, generate } from '../testing/generate.js';
import { treeHash } from '../testing/tree-hash.js';
import { refusalProblems } from '../testing/refusal.js';
import { editStoredAnswers } from '../testing/answer-files.js';
import { BIN } from '../testing/bin.js';

interface Case {
  readonly args: readonly string[];
  /** The message must match: it names the value and what is allowed. */
  readonly message: RegExp;
  /**
   * Where it runs: in an empty folder and in a generated portal (the default), or only in one of them
   * (the commands that need a portal, or a refusal that only makes sense where none exists yet).
   */
  readonly where?: 'both' | 'repo' | 'empty';
  /** Changes the folder first (a generated portal, or an empty folder) as a user or an attacker would. */
  readonly prepare?: (folder: string) => void;
  /** Run without --yes (the app generator then has no terminal to ask). */
  readonly interactive?: boolean;
}

const files = freshFolder('answers');
const answersFile = (name: string, text: string): string => {
  const path = join(files, name);
  writeFileSync(path, text);
  return path;
};
const long = 'a'.repeat(41);

const editRc = editStoredAnswers;

/** `portal add app x` with a contract option that is wrong, in a generated portal (postgis, redis, varnish, nginx). */
function contractCases(rows: readonly [readonly string[], RegExp][]): Case[] {
  return rows.map(([options, message]) => ({ args: ['add', 'app', 'x', '--image', 'acme/x:1.0', '--port', '80', ...options], where: 'repo', message }));
}

const CASES: readonly Case[] = [
  { args: ['--name', 'City Maps'], message: /^portal: Invalid --name "City Maps": expected 2 to 40 lowercase letters/ },
  { args: ['--name', '1portal'], message: /Invalid --name "1portal": expected .*starting with a letter/ },
  { args: ['--name', '-portal'], message: /Invalid --name "-portal"/ },
  { args: ['--name', 'portal-'], message: /Invalid --name "portal-"/ },
  { args: ['--name', 'a'], message: /Invalid --name "a"/ },
  { args: ['--name', long], message: new RegExp(`Invalid --name "${long}"`) },
  { args: ['--name', 'por_tal'], message: /Invalid --name "por_tal"/ },
  { args: ['--domain', 'not a domain'], message: /Invalid --domain "not a domain": expected a host name/ },
  { args: ['--domain', 'example'], message: /Invalid --domain "example"/ },
  { args: ['--domain', '-bad.example.org'], message: /Invalid --domain "-bad.example.org"/ },
  { args: ['--domain', '1.2.3.4'], message: /Invalid --domain "1.2.3.4"/ },
  { args: ['--domain', 'a..b.org'], message: /Invalid --domain "a..b.org"/ },
  { args: ['--domain', 'maps_1.example.org'], message: /Invalid --domain "maps_1.example.org"/ },
  { args: ['--backend', 'rails'], message: /Invalid --backend "rails": expected one of: django, fastapi, node, image/ },
  { args: ['--backend', 'image'], message: /Invalid --backend-image "": expected a non-empty value/ },
  {
    args: ['--backend', 'image', '--backend-image', 'ghcr.io/acme/api'],
    message: /Invalid --backend-image "ghcr.io\/acme\/api": expected an image with an explicit tag/,
  },
  {
    args: ['--backend', 'image', '--backend-image', 'ghcr.io/acme/api:latest'],
    message: /Invalid --backend-image "ghcr.io\/acme\/api:latest": expected a pinned release tag/,
  },
  { args: ['--backend', 'image', '--backend-image', 'ACME/api:1.0'], message: /Invalid --backend-image "ACME\/api:1.0"/ },
  {
    args: ['--backend', 'django', '--backend-image', 'acme/api:1.0'],
    message: /Invalid --backend-image "acme\/api:1.0": expected nothing unless --backend image/,
  },
  {
    args: ['--backend', 'image', '--backend-image', 'acme/api:1.0', '--backend-port', '0'],
    message: /Invalid --backend-port "0": expected a whole number from 1 to 65535/,
  },
  { args: ['--backend-port', '70000'], message: /Invalid --backend-port "70000"/ },
  { args: ['--backend-port', 'abc'], message: /Invalid --backend-port "abc"/ },
  { args: ['--backend-port', '80.5'], message: /Invalid --backend-port "80.5"/ },
  { args: ['--services', 'postgres'], message: /Invalid --services "postgres": expected one of: postgis, redis/ },
  { args: ['--services', 'nginx,foo'], message: /Invalid --services "foo"/ },
  { args: ['--services', 'celery', '--backend', 'node'], message: /Invalid --services "celery" with --backend "node": Celery runs Python tasks/ },
  { args: ['--services', 'backup'], message: /Invalid --services "backup" without "postgis"/ },
  { args: ['--storage', 'nfs'], message: /Invalid --storage "nfs": expected one of: volumes, bind/ },
  { args: ['--storage', 'bind', '--data-root', 'relative/path'], message: /Invalid --data-root "relative\/path": expected an absolute host path/ },
  { args: ['--storage', 'bind', '--data-root', '/mnt/../etc'], message: /Invalid --data-root "\/mnt\/..\/etc"/ },
  { args: ['--storage', 'bind', '--data-root', '/'], message: /Invalid --data-root "\/": expected a folder below \// },
  { args: ['--storage', 'bind', '--data-root', '/mnt/my data'], message: /Invalid --data-root "\/mnt\/my data"/ },
  { args: ['--storage', 'bind', '--data-root', '/mnt/$HOME'], message: /Invalid --data-root "\/mnt\/\$HOME"/ },
  { args: ['--services', 'traefik', '--acme-email', 'not-an-email'], message: /Invalid --acme-email "not-an-email": expected an e-mail address/ },
  { args: ['--answers', join(files, 'missing.json')], message: /Invalid --answers ".*missing.json": cannot read it \(ENOENT\)/ },
  { args: ['--answers', answersFile('broken.json', '{"name": "x",')], message: /Invalid --answers ".*broken.json": not valid JSON/ },
  { args: ['--answers', answersFile('list.json', '[1, 2]')], message: /Invalid --answers ".*list.json": expected a JSON object/ },
  {
    args: ['--answers', answersFile('typo.json', '{"nmae": "city"}')],
    message: /Invalid --answers ".*typo.json": unknown key "nmae"; expected some of: name, domain/,
  },
  { args: ['--answers', answersFile('number.json', '{"services": 5}')], message: /Invalid --answers ".*number.json": services must be a list, not 5\./ },
  { args: ['--answers', answersFile('version.json', '{"schemaVersion": 2}')], message: /Invalid --answers ".*version.json": schemaVersion 2 is not 1/ },
  { args: ['--answers', answersFile('port.json', '{"name": 7}')], message: /Invalid --answers ".*port.json": name must be a string, not 7\./ },
  { args: ['--answers', answersFile('domain.json', '{"domain": "bad domain"}')], message: /Invalid --domain "bad domain"/ },
  { args: ['--preset', 'geonode'], message: /Invalid --preset "geonode": expected one of: systemapic, housing-portal, sagui, mupets, mlp/ },
  {
    args: ['--preset', 'systemapic'],
    where: 'empty',
    message: /Invalid --image-tag "": preset systemapic runs the in-house images systemapic\/wu, systemapic\/pile; give the pinned release tag/,
  },
  { args: ['--preset', 'mupets', '--image-tag', 'latest'], where: 'empty', message: /Invalid --image-tag "latest": preset mupets/ },
  {
    args: ['--services', 'redis,prometheus,nginx', '--redis-roles', 'exporter'],
    message: /Invalid --redis-roles "exporter": expected a role name not ending in "exporter"/,
  },
  {
    args: ['--answers', answersFile('dots.json', '{"folders": [{"name": "x", "target": "/x/../etc"}]}')],
    message: /Invalid --folders "\/x\/..\/etc": expected an absolute path in the container/,
  },
  {
    args: ['--answers', answersFile('local.json', '{"instances": [{"name": "localhost", "domain": "l.example.org"}]}')],
    message: /Invalid --instance "localhost": expected a name other than dev, prod, tls, localhost/,
  },
  { args: ['--image-tag', '2.3.1'], message: /Invalid --image-tag "2.3.1": expected it only with --preset/ },
  {
    args: ['--answers', answersFile('tmp.json', '{"folders": [{"name": "x", "target": "/tmp"}]}')],
    message: /Invalid --folders "\/tmp": expected a path outside the system and app folders/,
  },
  { args: ['--redis-roles', 'Layers!'], message: /Invalid --redis-roles "Layers!": expected a role name/ },
  {
    args: ['--services', 'postgis', '--redis-roles', 'layers'],
    message: /Invalid --redis-roles "layers": expected roles only together with the redis service/,
  },
  {
    args: ['--answers', answersFile('apps.json', '{"apps": {"id": "x"}}')],
    message: /Invalid --answers ".*apps.json": apps must be a list, not \{"id":"x"\}\./,
  },
  {
    args: ['--answers', answersFile('folder.json', '{"folders": [{"name": "docs", "repo": "../etc", "route": "/docs/"}]}')],
    message: /Invalid --folders "..\/etc": expected a folder inside the repository/,
  },
  {
    args: [
      '--answers',
      answersFile('instance.json', '{"instances": [{"name": "eu", "domain": "eu.example.org"}, {"name": "eu", "domain": "eu2.example.org"}]}'),
    ],
    message: /Invalid --instance "eu": expected each instance name once/,
  },
  {
    args: ['add', 'app', 'pile', '--image', 'acme/pile:latest', '--port', '3003'],
    where: 'repo',
    message: /Invalid --image "acme\/pile:latest": expected a pinned release tag/,
  },
  {
    args: ['add', 'app', 'pile', '--image', 'acme/pile:1.0', '--port', '99999'],
    where: 'repo',
    message: /Invalid --port "99999": expected the port app "pile" listens on/,
  },
  {
    args: ['add', 'app', 'nginx', '--image', 'acme/x:1.0', '--port', '80'],
    where: 'repo',
    message: /Invalid app "nginx": the stack already has a container of that name/,
  },
  {
    args: ['add', 'app', 'x', '--image', 'acme/x:1.0', '--port', '80', '--route', '/api/'],
    where: 'repo',
    message: /Invalid --route "\/api\/" of app "x": the stack already routes that path/,
  },
  {
    args: ['add', 'app', 'x', '--image', 'acme/x:1.0', '--port', '80', '--route', '/tiles'],
    where: 'repo',
    message: /Invalid --route "\/tiles": expected a path the stack does not use itself/,
  },
  {
    args: ['add', 'app', 'x', '--image', 'acme/x:1.0', '--port', '80', '--websocket'],
    where: 'repo',
    message: /Invalid --websocket "x": expected --websocket only together with --route/,
  },
  { args: ['add', 'app'], where: 'repo', message: /Invalid portal add app "": name one app id/ },
  { args: ['remove', 'app', 'pile'], where: 'repo', message: /Invalid remove app "pile": the apps of this portal are: none/ },
  { args: ['--servics', 'postgis'], message: /^portal: Invalid option "--servics" for portal: did you mean --services\? run portal --help/ },
  { args: ['--out', ''], message: /Invalid --out "": expected the folder/ },
  { args: ['--services', 'nope'], where: 'repo', message: /Invalid --services "nope"/ },
  { args: ['--domain', 'bad domain'], where: 'repo', message: /Invalid --domain "bad domain"/ },
  {
    args: [],
    where: 'repo',
    prepare: repo => {
      const rc = JSON.parse(readFileSync(join(repo, '.yo-rc.json'), 'utf8'));
      rc['generator-portal'].services = ['postgis', 'mysql'];
      writeFileSync(join(repo, '.yo-rc.json'), `${JSON.stringify(rc, null, 2)}\n`);
    },
    message: /Invalid --services "mysql"/,
  },
  {
    args: [],
    where: 'repo',
    prepare: repo => editRc(repo, answers => ({ ...answers, servics: ['postgis'] })),
    message: /Invalid key "servics" in \.yo-rc\.json: expected some of: name, domain/,
  },
  {
    args: ['add', 'grafana'],
    where: 'repo',
    prepare: repo => editRc(repo, answers => ({ ...answers, schemaVersion: 2 })),
    message: /Invalid schemaVersion 2 in \.yo-rc\.json: written by a newer generator-portal/,
  },
  {
    args: ['doctor'],
    where: 'repo',
    prepare: repo => writeFileSync(join(repo, '.yo-rc.json'), '{"generator-portal": {'),
    message: /^portal: Invalid .*\.yo-rc\.json: not valid JSON \(.*\); fix it by hand or restore it from git\.$/m,
  },
  {
    args: [],
    where: 'repo',
    prepare: repo => writeFileSync(join(repo, '.yo-rc.json'), '{"generator-portal": {'),
    message: /Invalid .*\.yo-rc\.json: not valid JSON/,
  },
  { args: ['add', 'mysql'], where: 'repo', message: /Invalid service "mysql": expected one of: postgis/ },
  { args: ['remove', 'celery'], where: 'repo', message: /Invalid remove "celery": not among the chosen services/ },
  { args: ['secrets', '--rotate', '--only', 'nope'], where: 'repo', message: /Invalid --only "nope": expected secret names of this portal/ },
  { args: ['secrets'], where: 'empty', message: /no \.yo-rc\.json, so no generated portal here/ },
  { args: ['verify'], where: 'empty', message: /no docker-compose\.yml, so no generated portal to verify/ },

  // wrong types, in an answers file: the shipped JSON Schema refuses them before any value is used
  {
    args: ['--answers', answersFile('port-true.json', '{"backendPort": true}')],
    message: /Invalid --answers ".*port-true.json": backendPort must be a whole number, not true\./,
  },
  { args: ['--answers', answersFile('port-list.json', '{"backendPort": [8080]}')], message: /backendPort must be a whole number, not \[8080\]\./ },
  { args: ['--answers', answersFile('port-hex.json', '{"backendPort": "0x1F90"}')], message: /backendPort must be a whole number, not "0x1F90"\./ },
  {
    args: ['--answers', answersFile('app-id.json', '{"apps": [{"id": ["x"], "image": "acme/x:1.0", "port": 80}]}')],
    message: /apps\[0\]\.id must be a string, not \["x"\]\./,
  },
  {
    args: ['--answers', answersFile('app-key.json', '{"apps": [{"id": "x", "image": "acme/x:1.0", "port": 80, "privileged": true}]}')],
    message: /unknown key "privileged" in apps\[0\]; expected some of: id, image, port/,
  },
  {
    args: ['--answers', answersFile('app-ws.json', '{"apps": [{"id": "x", "image": "acme/x:1.0", "port": 80, "route": "/x/", "websocket": "yes"}]}')],
    message: /apps\[0\]\.websocket must be true or false, not "yes"\./,
  },
  {
    args: ['--answers', answersFile('service-num.json', '{"services": ["postgis", 5]}')],
    message: /services\[1\] must be a string, not 5\.|services\[1\] is 5|Invalid --services "5": expected service names \(strings\)/,
  },
  { args: ['--answers', answersFile('roles-obj.json', '{"redisRoles": {"a": 1}}')], message: /redisRoles must be a list, not \{"a":1\}\./ },
  { args: ['--answers', answersFile('inst-str.json', '{"instances": ["eu"]}')], message: /instances\[0\] must be an object, not "eu"\./ },
  { args: ['--answers', answersFile('null.json', 'null')], message: /Invalid --answers ".*null.json": expected a JSON object/ },
  { args: ['--answers', answersFile('section-list.json', '{"generator-portal": [1]}')], message: /"generator-portal" must be an object of answers/ },
  {
    args: ['--answers', answersFile('deep.json', `{"apps": ${'['.repeat(200000)}${']'.repeat(200000)}}`)],
    message: /Invalid --answers ".*deep.json": nested deeper than 20 levels/,
  },
  {
    args: ['--answers', answersFile('huge.json', `{"name": "${'a'.repeat(2 * 1024 * 1024)}"}`)],
    message: /Invalid --answers ".*huge.json": it is \d+ bytes; answers are at most 1048576 bytes/,
  },
  { args: ['--answers', files], message: /Invalid --answers ".*": it is a folder; expected a JSON file/ },
  {
    args: [
      '--answers',
      answersFile('many-apps.json', JSON.stringify({ apps: Array.from({ length: 51 }, (_, n) => ({ id: `a${n}`, image: 'acme/x:1.0', port: 80 })) })),
    ],
    message: /apps holds more than 50 entries/,
  },
  {
    args: [
      '--answers',
      answersFile('long-route.json', JSON.stringify({ apps: [{ id: 'x', image: 'acme/x:1.0', port: 80, route: `/${'r'.repeat(10000)}/` }] })),
    ],
    message: /apps\[0\]\.route is longer than 128 characters/,
  },
  {
    args: ['--answers', answersFile('variable.json', '{"instanceVariable": "PATH"}')],
    message: /Invalid --instance-variable "PATH": expected a variable of the deployment's own/,
  },
  { args: ['--answers', answersFile('ld.json', '{"instanceVariable": "LD_PRELOAD"}')], message: /Invalid --instance-variable "LD_PRELOAD"/ },
  {
    args: ['--answers', answersFile('email.json', '{"services": ["traefik", "nginx"], "acmeEmail": "a$(id)@b.org"}')],
    message: /Invalid --acme-email "a\$\(id\)@b\.org": expected an e-mail address/,
  },
  // folders of the repo that nginx would serve: the repo itself, its secrets, git, env files
  {
    args: ['--answers', answersFile('repo-dot.json', '{"folders": [{"name": "all", "repo": ".", "route": "/all/"}]}')],
    message: /Invalid --folders "\.": expected a folder inside the repository/,
  },
  {
    args: ['--answers', answersFile('repo-secrets.json', '{"folders": [{"name": "s", "repo": "secrets", "route": "/s/"}]}')],
    message: /Invalid --folders "secrets": expected a folder of its own, not secrets\//,
  },
  {
    args: ['--answers', answersFile('repo-secrets-sub.json', '{"folders": [{"name": "s", "repo": "secrets/tls", "route": "/s/"}]}')],
    message: /Invalid --folders "secrets\/tls"/,
  },
  {
    args: ['--answers', answersFile('repo-git.json', '{"folders": [{"name": "g", "repo": ".git", "route": "/g/"}]}')],
    message: /Invalid --folders "\.git": expected a folder without hidden parts/,
  },
  {
    args: ['--answers', answersFile('repo-env.json', '{"folders": [{"name": "g", "repo": "docs/.env", "route": "/g/"}]}')],
    message: /Invalid --folders "docs\/\.env": expected a folder without hidden parts/,
  },
  {
    args: ['--answers', answersFile('repo-instances.json', '{"folders": [{"name": "i", "repo": "instances", "route": "/i/"}]}')],
    message: /Invalid --folders "instances"/,
  },
  // the command line: unknown words and options, missing and empty values, odd numbers
  { args: ['--nmae', 'city'], message: /^portal: Invalid option "--nmae" for portal: did you mean --name\?/ },
  { args: ['frobnicate'], message: /^portal: Invalid command "frobnicate": expected one of add, doctor, import, instance, remove, secrets, verify/ },
  { args: ['doctor', 'extra'], where: 'repo', message: /^portal: Invalid argument "extra" for portal doctor: it takes no words/ },
  { args: ['verify', 'extra'], message: /^portal: Invalid argument "extra" for portal verify/ },
  { args: ['--name'], message: /^portal: Invalid --name: it needs a value \(--name VALUE\)/ },
  { args: ['--services='], message: /^portal: Invalid --services "": expected a value/ },
  { args: ['--services', ','], message: /^portal: Invalid --services ",": expected a value/ },
  { args: ['--name', ''], message: /^portal: Invalid --name "": expected a value/ },
  { args: ['--name', 'city\nmaps'], message: /^portal: Invalid --name "city\\nmaps": expected 2 to 40/ },
  { args: ['--domain', 'a.org\r\nX-Evil: 1'], message: /^portal: Invalid --domain "a\.org\\r\\nx-evil: 1"/ },
  { args: ['--backend-port', '0x1F90'], message: /Invalid --backend-port "0x1F90": expected a whole number/ },
  { args: ['--backend-port', '1e3'], message: /Invalid --backend-port "1e3"/ },
  { args: ['--backend-port', '-1'], message: /Invalid --backend-port: it needs a value|Invalid --backend-port "-1"/ },
  { args: ['--backend-port', '8080,8081'], message: /Invalid --backend-port "8080,8081"/ },
  {
    args: ['--storage', 'bind', '--data-root', '/mnt/a:b'],
    message: /Invalid --data-root "\/mnt\/a:b": expected an absolute host path without spaces, quotes, ":"/,
  },
  { args: ['--storage', 'bind', '--data-root', '/mnt/a,b'], message: /Invalid --data-root "\/mnt\/a,b"/ },
  {
    args: ['--storage', 'bind', '--data-root', `/mnt/${'d'.repeat(300)}`],
    message: /Invalid --data-root "\/mnt\/d+…": expected a host path of at most 200 characters/,
  },
  { args: ['--storage', 'volumes', '--data-root', '/mnt/data/x'], message: /Invalid --data-root "\/mnt\/data\/x": expected it only with --storage bind/ },
  {
    args: ['--services', 'postgis,nginx', '--acme-email', 'ops@example.org'],
    message: /Invalid --acme-email "ops@example\.org": expected it only with the traefik service/,
  },
  { args: ['--services', 'traefik,nginx', '--acme-email', 'a b@example.org'], message: /Invalid --acme-email "a b@example\.org"/ },
  { args: ['--out', '/etc/hostname'], message: /^portal: Invalid --out "\/etc\/hostname": it is a file; expected a folder/ },
  { args: ['--out', 'new/deeper', '--name', 'BAD'], message: /Invalid --name "BAD"/ },
  { args: ['--out', 'one', '--out', 'two'], message: /Invalid --out: given twice/ },
  { args: ['secrets', '--rotate', '--only', ','], where: 'repo', message: /^portal: Invalid --only ",": expected a value/ },
  { args: ['secrets', '--rotate', '--only='], where: 'repo', message: /^portal: Invalid --only "": expected a value/ },
  {
    args: ['add', 'app', 'x', '--image', 'acme/x:1.0', '--port', '80', '--route', `/${'r'.repeat(10000)}/`],
    where: 'repo',
    message: /Invalid --route "\/r+…": expected at most 128 characters/,
  },
  {
    args: ['add', 'app', 'x', '--image', 'acme/x:1.0', '--port', '0x50'],
    where: 'repo',
    message: /Invalid --port "0x50": expected the port app "x" listens on/,
  },
  {
    args: ['add', 'app', 'x', '--image', 'acme/x:1.0', '--port', '80', '--health-path', 'a b'],
    where: 'repo',
    message: /Invalid --health-path "a b": expected a path such as "\/health"/,
  },
  // an app's contract: settings, files, aliases, user, writable paths, health
  ...contractCases([
    [
      ['--setting', 'X={postgis.foo}'],
      /Invalid --setting "X=\{postgis.foo\}" of app "x": \{postgis.foo\} is not a field of postgis \(it has \{postgis.host\}, \{postgis.port\}, \{postgis.user\}, \{postgis.db\}, \{postgis.password\}\)/,
    ],
    [
      ['--setting', 'X={mongo.host}'],
      /Invalid --setting "X=\{mongo.host\}" of app "x": \{mongo.host\} names no store of this stack \(stores: postgis, redis; also \{secret\} and \{domain\}\)/,
    ],
    [['--setting', 'X={secret.key}'], /Invalid --setting "X=\{secret.key\}" of app "x": \{secret.key\} names no store of this stack/],
    [['--setting', 'bad-name=1'], /Invalid --setting "bad-name" of app "x": expected a variable name/],
    [['--setting', 'NOEQUALS'], /Invalid --setting "NOEQUALS" of app "x": expected NAME=value/],
    [['--setting', 'X=a{b'], /Invalid --setting "X=a\{b" of app "x": expected braces only around a placeholder/],
    [['--setting', 'X=1', '--file-setting', 'Y'], /Invalid --file-setting "Y" of app "x": expected the name of one of the app's --setting values/],
    [
      ['--setting', 'URL=postgresql://{postgis.user}:{postgis.password}@{postgis.host}/{postgis.db}', '--file-setting', 'URL'],
      /Invalid --file-setting "URL=postgresql:.*" of app "x": a setting read from a file must be exactly one secret/,
    ],
    [['--setting', 'X=2', '--dev-setting', 'X=1'], /Invalid --dev-setting "X=1" of app "x": a variable that is not also a --setting/],
    [['--alias', 'nginx=postgis'], /Invalid --alias "nginx=postgis" of app "x": "nginx" is the name of the nginx container; choose another host name/],
    [['--alias', 'pg=mysql'], /Invalid --alias "pg=mysql" of app "x": "mysql" is no store of this stack \(stores: postgis, redis\)/],
    [['--alias', 'Bad_Host=postgis'], /Invalid --alias "Bad_Host" of app "x": expected a host name/],
    [['--user', '0'], /Invalid --user "0" of app "x": expected .*"uid" or "uid:gid"|Invalid --user "0" of app "x": expected a non-root uid/],
    [['--user', 'root'], /Invalid --user "root" of app "x": expected "image" \(the image's own USER\) or a numeric "uid" or "uid:gid"/],
    [['--health', 'ping:/x'], /Invalid --health "ping:\/x" of app "x": expected "http:\/health", "tcp:5432", "cmd:<shell command>" or "none:<reason>"/],
    [['--health', 'none:short'], /Invalid --health "short" of app "x": expected a reason of 10 to 200 characters on one line/],
    [['--health', 'tcp:70000'], /Invalid --health "tcp:70000" of app "x": expected "http:\/health"/],
    [['--health-path', '/up', '--health', 'tcp:80'], /Invalid --health-path "\/up": expected either --health-path or --health for app "x", not both/],
    [['--writable', '/etc/app'], /Invalid --writable "\/etc\/app" of app "x": expected a path outside the image's system folders/],
    [['--writable', 'logs'], /Invalid --writable "logs" of app "x": expected an absolute path in the container/],
    [
      ['--writable', '/x', '--read-write-root', 'writes its cache all over the root'],
      /Invalid --writable "\/x" of app "x": expected no --writable paths with --read-write-root/,
    ],
    [['--read-write-root', 'why'], /Invalid --read-write-root "why" of app "x": expected a reason of 10 to 200 characters/],
    [
      ['--setting', 'K={secret}', 'k={secret}'],
      /Invalid --setting "k=\{secret\}" of app "x": its \{secret\} would be X_K, as another setting's; name the settings apart by more than case/,
    ],
    [
      ['--setting', 'PW={postgis.password}', 'PW_FILE=/x', '--file-setting', 'PW'],
      /Invalid --setting "PW_FILE" of app "x": expected another name: PW_FILE points at the file of --file-setting PW/,
    ],
    [['--command', 'sh -c "node server.js"'], /Invalid --command "sh -c \\"node server.js\\"" of app "x": expected words without quotes or backslashes/],
    [['--alias', 'localhost=postgis'], /Invalid --alias "localhost" of app "x": expected a host name other than localhost/],
  ]),
  {
    args: ['add', 'app', 'compose', '--image', 'acme/x:1.0', '--port', '80', '--setting', 'PROJECT_NAME={secret}'],
    where: 'repo',
    message:
      /Invalid --setting "PROJECT_NAME=\{secret\}" of app "compose": its \{secret\} would be COMPOSE_PROJECT_NAME, which the stack already uses; name the setting otherwise/,
  },
  {
    args: ['add', 'app', 'postgres', '--image', 'acme/x:1.0', '--port', '80', '--setting', 'PASSWORD={secret}'],
    where: 'repo',
    message: /its \{secret\} would be POSTGRES_PASSWORD, which the stack already uses/,
  },
  {
    args: [
      '--answers',
      answersFile(
        'writable.json',
        JSON.stringify({ folders: [{ name: 'uploads', target: '/uploads' }], apps: [{ id: 'a', image: 'acme/a:1.0', port: 80, writable: ['/uploads'] }] }),
      ),
    ],
    where: 'empty',
    message: /Invalid --writable "\/uploads": expected a path of app "a" other than a shared folder's mount path/,
  },
  {
    args: ['app', 'set', 'ghost', '--user', '1000'],
    where: 'repo',
    message: /Invalid portal app set "ghost": no such app \(apps: none\); add it with portal add app ghost/,
  },
  {
    args: [
      '--answers',
      answersFile(
        'aliases.json',
        JSON.stringify({
          services: ['postgis', 'redis'],
          apps: [
            { id: 'a', image: 'acme/a:1.0', port: 80, aliases: { cache: 'redis' } },
            { id: 'b', image: 'acme/b:1.0', port: 80, aliases: { cache: 'postgis' } },
          ],
        }),
      ),
    ],
    where: 'empty',
    message: /Invalid --alias "cache=postgis" of app "b": app "a" already has "cache" answer for redis; one name reaches one container/,
  },
  {
    args: ['--answers', answersFile('newline.json', JSON.stringify({ apps: [{ id: 'a', image: 'acme/a:1.0', port: 80, settings: { X: 'one\ntwo' } }] }))],
    where: 'empty',
    message: /Invalid --setting "X=one\\ntwo" of app "a": expected a value without control characters or line breaks/,
  },
  {
    args: ['add', 'app', 'x', '--image', `acme/${'x'.repeat(300)}:1.0`, '--port', '80'],
    where: 'repo',
    message: /Invalid --image "acme\/x+…": expected an image reference of at most 255 characters/,
  },
  { args: ['instance', 'add', 'eu', '--domain', 'not a domain'], where: 'repo', message: /Invalid --domain "not a domain"/ },
  // .yo-rc.json: every way a hand edit, a clone or an attacker can break it; checked before any answer is read
  {
    args: [],
    where: 'repo',
    prepare: repo => writeFileSync(join(repo, '.yo-rc.json'), '[1, 2]\n'),
    message: /^portal: Invalid \.yo-rc\.json: it holds a list, not an object with a "generator-portal" section; fix it by hand/,
  },
  { args: [], where: 'repo', prepare: repo => writeFileSync(join(repo, '.yo-rc.json'), '"portal"\n'), message: /Invalid \.yo-rc\.json: it holds "portal"/ },
  {
    args: ['add', 'grafana'],
    where: 'repo',
    prepare: repo => writeFileSync(join(repo, '.yo-rc.json'), `{"generator-portal": {"apps": ${'['.repeat(200000)}${']'.repeat(200000)}}}`),
    message: /Invalid \.yo-rc\.json: nested deeper than 20 levels/,
  },
  {
    args: [],
    where: 'repo',
    prepare: repo => writeFileSync(join(repo, '.yo-rc.json'), `{"generator-portal": {"name": "${'a'.repeat(2 * 1024 * 1024)}"}}`),
    message: /Invalid \.yo-rc\.json: it is \d+ bytes/,
  },
  {
    args: [],
    where: 'repo',
    prepare: repo => writeFileSync(join(repo, '.yo-rc.json'), '{"generator-portal": [1]}'),
    message: /Invalid \.yo-rc\.json: "generator-portal" must be an object of answers/,
  },
  {
    args: [],
    where: 'repo',
    prepare: repo => editRc(repo, answers => ({ ...answers, backendPort: true })),
    message: /^portal: Invalid \.yo-rc\.json: backendPort must be a whole number, not true; fix it by hand/,
  },
  {
    args: ['add', 'celery'],
    where: 'repo',
    prepare: repo => editRc(repo, answers => ({ ...answers, backendPort: [8080] })),
    message: /Invalid \.yo-rc\.json: backendPort must be a whole number, not \[8080\]/,
  },
  {
    args: [],
    where: 'repo',
    prepare: repo => editRc(repo, answers => ({ ...answers, apps: [{ id: ['x'], image: 'acme/x:1.0', port: 80 }] })),
    message: /Invalid \.yo-rc\.json: apps\[0\]\.id must be a string/,
  },
  {
    args: ['remove', 'varnish'],
    where: 'repo',
    prepare: repo => editRc(repo, answers => ({ ...answers, apps: [{ id: 'x', image: 'acme/x:1.0', port: 80, privileged: true }] })),
    message: /Invalid \.yo-rc\.json: unknown key "privileged" in apps\[0\]/,
  },
  {
    args: [],
    where: 'repo',
    prepare: repo => editRc(repo, answers => ({ ...answers, instanceVariable: 'PATH' })),
    message: /Invalid --instance-variable "PATH"/,
  },
  {
    args: [],
    where: 'repo',
    prepare: repo => editRc(repo, answers => ({ ...answers, folders: [{ name: 'all', repo: '.', route: '/all/' }] })),
    message: /Invalid --folders "\."/,
  },
  {
    args: ['secrets'],
    where: 'repo',
    prepare: repo => editRc(repo, answers => ({ ...answers, fileHashes: { '/etc/passwd': '0'.repeat(64) } })),
    message: /Invalid \.yo-rc\.json: fileHashes has a key that is not a path inside the repo: "\/etc\/passwd"/,
  },
  {
    args: [],
    where: 'repo',
    prepare: repo => editRc(repo, answers => ({ ...answers, fileHashes: { 'docker-compose.yml': 'x' } })),
    message: /Invalid \.yo-rc\.json: fileHashes\.docker-compose\.yml is "x"/,
  },
  {
    args: [],
    where: 'repo',
    prepare: repo => {
      rmSync(join(repo, '.yo-rc.json'));
      mkdirSync(join(repo, '.yo-rc.json'));
    },
    message: /^portal: Invalid \.yo-rc\.json: it is a folder/,
  },
  {
    args: ['add', 'celery'],
    where: 'repo',
    prepare: repo => {
      // another repo's answers, linked in: reading them would generate that portal here
      const other = freshFolder('other');
      writeFileSync(join(other, '.yo-rc.json'), readFileSync(join(repo, '.yo-rc.json')));
      rmSync(join(repo, '.yo-rc.json'));
      symlinkSync(join(other, '.yo-rc.json'), join(repo, '.yo-rc.json'));
    },
    message: /^portal: Invalid \.yo-rc\.json: it is a link; this repo's answers must be a file of its own/,
  },
  // a served folder that is a link lands where its name could not: the secrets, the repo, git, the host
  ...(['secrets', '.', '/etc'] as const).map((target): Case => ({
    args: ['--answers', answersFile(`served-${target.replace(/\W/g, '_')}.json`, '{"folders": [{"name": "pub", "route": "/pub/", "repo": "pub"}]}')],
    where: 'repo',
    prepare: repo => symlinkSync(target, join(repo, 'pub')),
    message:
      target === '/etc'
        ? /Invalid link "pub" -> "\/etc" in --folders: it leaves the repo/
        : /Invalid --folders "pub": it is a link to (the repository itself|"secrets")/,
  })),
  // what stands where a file or folder of ours belongs: a pipe would block the read, a file the folder
  {
    args: [],
    where: 'repo',
    prepare: repo => fifoInPlace(join(repo, 'nginx', 'nginx.conf')),
    message: /Invalid "nginx\/nginx\.conf": it is not a regular file/,
  },
  {
    args: [],
    where: 'repo',
    prepare: repo => {
      mkdirSync(join(repo, '.portal'));
      fifoInPlace(join(repo, '.portal', 'lock'));
    },
    message: /Invalid \.portal\/lock: it is not a regular file/,
  },
  { args: ['doctor'], where: 'repo', prepare: repo => writeFileSync(join(repo, '.portal'), ''), message: /Invalid \.portal: it is not a folder/ },
  {
    args: [],
    where: 'repo',
    prepare: repo => {
      rmSync(join(repo, 'varnish'), { recursive: true });
      writeFileSync(join(repo, 'varnish'), '');
    },
    message: /"varnish" is a file, not a folder/,
  },
  {
    args: [],
    where: 'repo',
    prepare: repo => editRc(repo, answers => ({ ...answers, fileHashes: { ...(answers.fileHashes as object), 'nginx/sites/dev.conf/x': '0'.repeat(64) } })),
    message: /Invalid path "nginx\/sites\/dev\.conf\/x" in \.yo-rc\.json "fileHashes": "nginx\/sites\/dev\.conf" is a file/,
  },
  { args: ['--out', 'README.md/sub'], where: 'repo', message: /Invalid --out "README\.md\/sub": cannot use it \(ENOTDIR\)/ },
  { args: ['--out', 'x'.repeat(300)], message: /Invalid --out "x+…?": cannot (use|create) it \(ENAMETOOLONG\)/ },
  // contradictions and repeats: never a silent pick
  { args: ['--services', 'none,postgis'], message: /Invalid --services "none,postgis": expected "none" alone/ },
  { args: ['--services', 'postgis', '--services', 'redis'], message: /Invalid --services: given twice/ },
  { args: ['instance', 'add', 'eu', '--domain', 'a.example.org', '--domain', 'b.example.org'], where: 'repo', message: /Invalid --domain: given twice/ },
  {
    args: ['--answers', answersFile('role-folder.json', '{"redisRoles": ["x"], "folders": [{"name": "redis-x-data"}]}')],
    message: /Invalid folder "redis-x-data": the stack already has storage/,
  },
  {
    args: ['--answers', answersFile('same-target.json', '{"folders": [{"name": "pub"}, {"name": "pub2", "target": "/pub"}]}')],
    message: /Invalid --folders "\/pub": expected each mount path once/,
  },
  // with no terminal to ask, the bad value given is named, not the first question
  { args: ['--name', 'City Maps'], interactive: true, message: /Invalid --name "City Maps"/ },
  { args: ['--domain', '--yes'], interactive: true, message: /Invalid --domain "--yes"/ },
  { args: ['remove', 'postgis'], where: 'repo', message: /Invalid remove "postgis": added postgis: the tileserver serves tables from PostGIS/ },
  // empty values on an existing repo: never "remove everything" or "rotate everything"
  { args: ['--services='], where: 'repo', message: /^portal: Invalid --services "": expected a value/ },
  { args: ['--redis-roles='], where: 'repo', message: /^portal: Invalid --redis-roles "": expected a value/ },
];

/** A named pipe where a file was: reading it would wait for a writer forever. */
function fifoInPlace(path: string): void {
  rmSync(path, { force: true });
  const made = spawnSync('mkfifo', [path]);
  assert.equal(made.status, 0, String(made.stderr));
}

function runPortal(args: readonly string[], cwd: string, interactive = false): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise(resolve => {
    // --yes for the app generator (no prompts); sub-generators take their name first
    const full =
      interactive || ['secrets', 'verify', 'add', 'remove', 'doctor', 'instance'].includes(args[0] ?? '') || (args[0] === 'app' && args[1] === 'set')
        ? args
        : ['--yes', ...args];
    // a run that hangs (a read that never returns) fails the case instead of the suite
    const child = spawn(process.execPath, [BIN, ...full], { cwd, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000, killSignal: 'SIGKILL' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', chunk => (stdout += chunk));
    child.stderr.on('data', chunk => (stderr += chunk));
    child.on('close', code => resolve({ code, stdout, stderr }));
  });
}

describe('bad input', () => {
  let portal = '';
  before(async () => {
    portal = await generate({});
  });

  const runs = CASES.flatMap(next =>
    (next.where === 'both' || next.where === undefined ? (['empty', 'repo'] as const) : [next.where]).map(where => ({ ...next, where })),
  );

  it(`has at least 80 cases (${CASES.length}), ${runs.length} runs in an empty folder and in a portal`, () => assert.ok(CASES.length >= 80));

  it('each case: exit 2, one line naming the culprit, destination untouched', async () => {
    const failures: string[] = [];
    const queue = [...runs];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const folder = freshFolder('dest');
        if (next.where === 'repo') cpSync(portal, folder, { recursive: true, verbatimSymlinks: true });
        next.prepare?.(folder);
        const before = treeHash(folder);
        const result = await runPortal(next.args, folder, next.interactive);
        const label = `[${next.where}] portal ${JSON.stringify(next.args.map(arg => (arg.length > 60 ? `${arg.slice(0, 60)}…` : arg)))}`;
        failures.push(...refusalProblems(label, result, next.message, treeHash(folder) !== before));
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
    assert.deepEqual(failures, []);
  });
});
