/** Varnish: caches tiles for a day and anonymous pages briefly; passes the API and admin; purge from inside only. */
import { IMAGES } from '../images.js';
import { limits, prodScheme, wgetProbe } from '../defaults.js';
import { defineService, type CatalogContext } from '../types.js';
import { sharedTraefikProd, sharedTraefikRouters } from '../shared-traefik.js';
import { NGINX_PORT } from './nginx.js';

export const VARNISH_PORT = 6081;
const THREADS_PER_POOL = 500;
/** The varnish user of the official images (varnish/docker-varnish: adduser -u 1000). */
const VARNISH_UID = 1000;

/** The shared Traefik's router of the domain when varnish is its entry. */
function sharedTraefikOf(answers: CatalogContext['answers'], has: CatalogContext['has']) {
  const prod = sharedTraefikProd(answers, sharedTraefikRouters(answers, has, { nginx: NGINX_PORT, varnish: VARNISH_PORT }), 'varnish');
  return prod ? { prod } : {};
}

export const varnish = defineService({
  id: 'varnish',
  title: 'Varnish',
  summary: 'HTTP cache in front of the app and the tiles',
  contribute: ({ has, answers }) => ({
    repoLayout: [{ path: 'varnish/', what: 'default.vcl, the cache policy; custom.vcl, your own cache rules (written once, then yours)' }],
    containers: [
      {
        name: 'varnish',
        role: 'HTTP cache (tiles, anonymous pages)',
        image: IMAGES.varnish,
        // no management port (-T none): purges go through HTTP from the internal network
        // threads are capped below pids_limit (2 pools x 500 + varnish's own), else a traffic spike
        // makes thread creation fail instead of queueing requests
        command: [
          'varnishd',
          '-F',
          '-f',
          '/etc/varnish/default.vcl',
          '-a',
          `http=:${VARNISH_PORT},HTTP`,
          '-T',
          'none',
          '-s',
          'malloc,${VARNISH_SIZE}',
          '-p',
          'thread_pools=2',
          '-p',
          `thread_pool_max=${THREADS_PER_POOL}`,
        ],
        // what default.vcl gives the apps as Host and scheme: the domain in prod (other names refused);
        // in dev, where PUBLIC_HOST is empty, any name on 127.0.0.1
        environment: { PUBLIC_HOST: '${DOMAIN}', PUBLIC_SCHEME: prodScheme({ has, answers }) },
        dev: { environment: { PUBLIC_HOST: '', PUBLIC_SCHEME: 'http' } },
        mounts: [
          { file: './varnish/default.vcl', target: '/etc/varnish/default.vcl' },
          { file: './varnish/custom.vcl', target: '/etc/varnish/custom.vcl' },
        ],
        healthcheck: wgetProbe(`http://127.0.0.1:${VARNISH_PORT}/varnish-health`, '20s'),
        // depends_on on every upstream is added by the model, from the routes
        networks: ['internal'],
        port: VARNISH_PORT,
        devPorts: [VARNISH_PORT],
        ...sharedTraefikOf(answers, has),
        limits: limits('512m', '1.0', 2 * THREADS_PER_POOL + 100),
        // the working folder holds the compiled VCL (loaded as a shared object, hence exec) and the log;
        // varnishd runs as the image's varnish user (uid 1000): without uid/gid runc makes the tmpfs
        // root-owned with the image folder's mode 0750 and varnishd cannot start (docker-varnish issue 51)
        tmpfs: [`/var/lib/varnish:exec,uid=${VARNISH_UID},gid=${VARNISH_UID},mode=0750,size=128m`],
      },
    ],
    env: [{ name: 'VARNISH_SIZE', value: '256m', comment: 'varnish cache memory' }],
  }),
});
