/** Celery worker and beat scheduler, running the backend image with a sample task. */
import { limits, shellProbe, TMP } from '../defaults.js';
import { defineService, type CatalogContext, type ContainerSpec } from '../types.js';
import type { ServiceId } from '../../answers/answers.js';
import { backendBuild, backendImageName } from './backend-shared.js';

/** The `-A` argument: the Django project package, or the FastAPI app's worker module. */
export const celeryAppOf = ({ answers, slug }: CatalogContext): string => (answers.backend === 'django' ? slug : 'app.worker');

export const celery = defineService({
  id: 'celery',
  title: 'Celery',
  summary: 'Background workers and periodic tasks (worker + beat)',
  contribute: ctx => {
    const app = celeryAppOf(ctx);
    // the broker first, then the database
    const uses: ServiceId[] = [ctx.broker ?? 'redis', 'postgis'];
    const common = {
      image: backendImageName(ctx),
      build: backendBuild(ctx),
      isApp: true,
      uses,
      networks: ['internal', 'edge'],
    } satisfies Partial<ContainerSpec>;
    const worker: ContainerSpec = {
      ...common,
      name: 'celery-worker',
      role: 'Celery worker: runs background tasks',
      command: ['celery', '-A', app, 'worker', '--loglevel=INFO', '--concurrency=2'],
      healthcheck: { ...shellProbe(`celery -A ${app} inspect ping -d "celery@$$HOSTNAME" --timeout 10 > /dev/null`, '30s'), interval: '30s', timeout: '15s' },
      limits: limits('512m', '1.0'),
      tmpfs: [TMP],
    };
    const beat: ContainerSpec = {
      ...common,
      name: 'celery-beat',
      role: 'Celery beat: schedules periodic tasks',
      command: ['celery', '-A', app, 'beat', '--loglevel=INFO', '--pidfile=/tmp/celerybeat.pid', '--schedule=/tmp/celerybeat-schedule'],
      healthcheck: shellProbe('kill -0 "$$(cat /tmp/celerybeat.pid)"', '20s'),
      limits: limits('256m', '0.25', 50),
      tmpfs: [TMP],
      // two beats would send every periodic task twice
      singleton: true,
    };
    return {
      containers: [worker, beat],
      appEnv: { TASK_BROKER: ctx.broker ?? 'redis' },
      files:
        ctx.answers.backend === 'django'
          ? [
              {
                path: `backend/${ctx.slug}/celery.py`,
                template: 'backend/python/celery_app.py.ejs',
                view: { settingsModule: `${ctx.slug}.settings`, isDjango: true, name: ctx.answers.name, tasksModule: `${ctx.slug}.tasks` },
              },
              { path: `backend/${ctx.slug}/tasks.py`, template: 'backend/python/tasks.py.ejs', view: { celeryModule: '.celery' } },
            ]
          : [
              {
                path: 'backend/app/worker.py',
                template: 'backend/python/celery_app.py.ejs',
                view: { settingsModule: '', isDjango: false, name: ctx.answers.name, tasksModule: 'app.tasks' },
              },
              { path: 'backend/app/tasks.py', template: 'backend/python/tasks.py.ejs', view: { celeryModule: '.worker' } },
            ],
    };
  },
});
