/** A job of the backend image run on a fixed interval, in prod only (a data update, a report ...). */
import type { Backend } from '../../answers/answers.js';
import { limits, shellProbe, TMP } from '../defaults.js';
import { defineService, type DependsCondition } from '../types.js';
import { backendBuild, backendImageName } from './backend-shared.js';
import { contractParts } from '../extras/apps.js';

const SCRIPT = '/usr/local/bin/run-job.sh';

/** Stand-ins that exist in each backend image and change nothing; the user puts the real job in .env. */
const PLACEHOLDER_JOB: Record<Backend, string> = {
  django: 'python manage.py check',
  fastapi: "python -c 'import app.main'",
  node: 'node --check src/server.js',
  image: 'true',
};

export const scheduler = defineService({
  id: 'scheduler',
  title: 'Scheduler',
  summary: 'Runs one job with the backend image every interval (prod only)',
  contribute: ctx => {
    const { backend } = ctx.answers;
    const dependsOn: Record<string, DependsCondition> = backend === 'django' ? { migrate: 'service_completed_successfully' } : {};
    // a prebuilt backend's job reads what the backend reads: the same settings and secrets, user and root
    // (known once the stores have contributed: the model asks again with their connections)
    const contract = backend === 'image' && ctx.connections ? ctx.answers.backendContract : undefined;
    const asBackend = contract ? contractParts({ id: 'backend', image: backendImageName(ctx), port: ctx.backendPort, ...contract }, ctx).spec : {};
    const { ownSettings, environment: backendEnvironment, secrets, user, writableRoot, exceptions } = asBackend;
    return {
      repoLayout: [{ path: 'scheduler/run-job.sh', what: 'the scheduler loop; the job is SCHEDULER_COMMAND in .env' }],
      containers: [
        {
          ...(ownSettings ? { ownSettings, secrets: secrets ?? [] } : {}),
          ...(user ? { user } : {}),
          ...(writableRoot ? { writableRoot } : {}),
          ...(exceptions ? { exceptions: exceptions.filter(e => e.rule !== 'CMP-14') } : {}),
          name: 'scheduler',
          role: 'Runs SCHEDULER_COMMAND every SCHEDULER_INTERVAL_SECONDS with the backend image',
          image: backendImageName(ctx),
          ...(backend === 'image' ? {} : { build: backendBuild(ctx) }),
          isApp: true,
          // in dev the job is run by hand, e.g. `docker-compose run --rm backend <command>`
          prodOnly: true,
          command: ['sh', SCRIPT],
          environment: { ...backendEnvironment, SCHEDULER_COMMAND: '${SCHEDULER_COMMAND}', SCHEDULER_INTERVAL_SECONDS: '${SCHEDULER_INTERVAL_SECONDS}' },
          mounts: [{ file: './scheduler/run-job.sh', target: SCRIPT }],
          // Kubernetes runs the job itself once an hour (the default interval) instead of the loop
          schedule: { cron: '0 * * * *', command: ['sh', '-c', 'exec sh -c "$SCHEDULER_COMMAND"'] },
          // the loop touches the heartbeat after every run: stale after two intervals means a hung job or a dead loop
          healthcheck: shellProbe('test -n "$$(find /tmp/scheduler-heartbeat -mmin -$$((SCHEDULER_INTERVAL_SECONDS / 30 + 1)) 2>/dev/null)"'),
          uses: ['postgis'],
          dependsOn,
          // the job may fetch data from outside: edge gives it a way out
          networks: ['internal', 'edge'],
          limits: limits('512m', '1.0'),
          tmpfs: [TMP],
        },
      ],
      env: [
        { name: 'SCHEDULER_COMMAND', value: PLACEHOLDER_JOB[backend], comment: 'job the scheduler runs (prod): replace this harmless stand-in with yours' },
        { name: 'SCHEDULER_INTERVAL_SECONDS', value: '3600', comment: 'time between scheduled runs; the first run is one interval after the start' },
      ],
      files: [{ path: 'scheduler/run-job.sh', template: 'scheduler/run-job.sh.ejs', executable: true }],
    };
  },
});
