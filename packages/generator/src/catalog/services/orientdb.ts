/** OrientDB: a graph database, root password from a secret, databases and backups in storage. */
import { IMAGES } from '../images.js';
import { limits, requireSecret } from '../defaults.js';
import { defineService } from '../types.js';

export const orientdb = defineService({
  id: 'orientdb',
  title: 'OrientDB',
  summary: 'OrientDB 3.2 graph database, root password protected',
  contribute: () => ({
    containers: [
      {
        name: 'orientdb',
        role: 'OrientDB graph database (binary 2424, HTTP 2480)',
        image: IMAGES.orientdb,
        // the server reads ORIENTDB_ROOT_PASSWORD only: the secret file is read here
        command: ['sh', '-c', `${requireSecret('ORIENTDB_ROOT_PASSWORD', 'ORIENTDB_ROOT_PASSWORD')}export ORIENTDB_ROOT_PASSWORD\nexec server.sh`],
        environment: {
          // server.sh defaults to a 2 GB heap and sizes the disk cache from the host's memory
          ORIENTDB_OPTS_MEMORY: '-Xms256m -Xmx512m',
          ORIENTDB_SETTINGS: '-Dstorage.diskCache.bufferSize=256',
          // server.sh writes its pid file next to itself, in the read-only image
          ORIENTDB_PID: '/tmp/orient.pid',
        },
        secrets: [{ secret: 'orientdb_root_password', env: 'ORIENTDB_ROOT_PASSWORD' }],
        mounts: [
          { storage: 'orientdb-databases', target: '/orientdb/databases' },
          { storage: 'orientdb-backup', target: '/orientdb/backup' },
        ],
        // curl ships in the image; any HTTP answer (the studio redirect) means the server is up
        healthcheck: { test: ['CMD', 'curl', '-sS', '-o', '/dev/null', 'http://127.0.0.1:2480/'], startPeriod: '60s' },
        networks: ['internal'],
        port: 2424,
        // its HTTP API, which apps dial too (ORIENTDB_HTTP_PORT) and the healthcheck asks
        otherPorts: [2480],
        devPorts: [2424, 2480],
        limits: limits('1g', '1.0', 400),
        // JNA unpacks a native library to /tmp and maps it executable; the server logs to /orientdb/log.
        // /orientdb/config, a VOLUME of the image, stays an anonymous volume: the server saves its root user there
        tmpfs: ['/tmp:exec,size=64m', '/orientdb/log:size=64m'],
      },
    ],
    storage: [
      { name: 'orientdb-databases', purpose: 'OrientDB databases', usedBy: ['orientdb'], owner: '0:0', backup: false },
      {
        name: 'orientdb-backup',
        purpose: 'OrientDB backups (its backup tool and scheduled backups write here)',
        usedBy: ['orientdb'],
        owner: '0:0',
        backup: true,
      },
    ],
    secrets: [
      {
        name: 'orientdb_root_password',
        env: 'ORIENTDB_ROOT_PASSWORD',
        purpose: 'OrientDB root password',
        changedByHand:
          "OrientDB console: connect as root, UPDATE OUser SET password = ... WHERE name = 'root', then the new value in the env file and secret file",
      },
    ],
    appDependsOn: { orientdb: 'service_healthy' },
    appEnv: { ORIENTDB_HOST: 'orientdb', ORIENTDB_PORT: '2424', ORIENTDB_HTTP_PORT: '2480', ORIENTDB_USER: 'root' },
    appSecrets: [{ secret: 'orientdb_root_password', env: 'ORIENTDB_PASSWORD' }],
    connections: [
      {
        store: 'orientdb',
        host: 'orientdb',
        port: 2424,
        fields: { user: 'root', httpPort: '2480' },
        secretFields: { password: { secret: 'orientdb_root_password', env: 'ORIENTDB_ROOT_PASSWORD' } },
      },
    ],
  }),
});
