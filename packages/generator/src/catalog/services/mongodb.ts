/** MongoDB: a document store for the apps, with a root user created on first start from a secret. */
import { IMAGES } from '../images.js';
import { limits, shellProbe, TMP } from '../defaults.js';
import { defineService } from '../types.js';

export const mongodb = defineService({
  id: 'mongodb',
  title: 'MongoDB',
  summary: 'MongoDB 7 document database, password protected',
  contribute: ({ slug }) => ({
    containers: [
      {
        name: 'mongodb',
        role: 'MongoDB document database',
        image: IMAGES.mongodb,
        // WiredTiger would size its cache from the host's memory, not the container limit
        command: ['mongod', '--wiredTigerCacheSizeGB', '0.25'],
        // the entrypoint reads MONGO_INITDB_ROOT_PASSWORD_FILE itself, and with a root user starts mongod with --auth
        environment: { MONGO_INITDB_ROOT_USERNAME: '${MONGO_USER}' },
        secrets: [{ secret: 'mongo_root_password', env: 'MONGO_INITDB_ROOT_PASSWORD' }],
        mounts: [{ storage: 'mongo-data', target: '/data/db' }],
        // ping needs no login; HOME is the data folder, where mongosh would leave its logs
        healthcheck: {
          ...shellProbe('HOME=/tmp mongosh --quiet --norc --eval "db.adminCommand(\'ping\').ok" > /dev/null', '40s'),
          interval: '30s',
          timeout: '15s',
        },
        networks: ['internal'],
        port: 27017,
        devPorts: [27017],
        limits: limits('1g', '1.0', 400),
        // the entrypoint writes its temporary config to /tmp; /data/configdb (a VOLUME of the image, only
        // for config servers) becomes a tmpfs instead of an anonymous volume
        tmpfs: [TMP, '/data/configdb:uid=999,gid=999,mode=0700,size=1m'],
        // the image's mongodb user; the entrypoint skips its chown and gosu when not root
        user: '999:999',
      },
    ],
    storage: [{ name: 'mongo-data', purpose: 'MongoDB data files', usedBy: ['mongodb'], owner: '999:999', backup: false, dumpedWith: 'mongodump' }],
    secrets: [
      {
        name: 'mongo_root_password',
        env: 'MONGO_PASSWORD',
        purpose: 'MongoDB root user password',
        changedByHand: 'mongosh: db.getSiblingDB("admin").changeUserPassword(user, new), then the new value in the env file and secret file',
      },
    ],
    env: [{ name: 'MONGO_USER', value: slug, comment: 'MongoDB root user, created on first start' }],
    appDependsOn: { mongodb: 'service_healthy' },
    appEnv: { MONGO_HOST: 'mongodb', MONGO_PORT: '27017', MONGO_USER: '${MONGO_USER}' },
    appSecrets: [{ secret: 'mongo_root_password', env: 'MONGO_PASSWORD' }],
    connections: [
      {
        store: 'mongodb',
        host: 'mongodb',
        port: 27017,
        fields: { user: '${MONGO_USER}' },
        secretFields: { password: { secret: 'mongo_root_password', env: 'MONGO_PASSWORD' } },
      },
    ],
  }),
});
