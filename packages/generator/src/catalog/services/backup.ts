/** In-stack scheduled dumps of the roles and of every database, at a cron time, with rotation, into the backups storage. */
import { IMAGES } from '../images.js';
import { limits, shellProbe, TMP } from '../defaults.js';
import { defineService } from '../types.js';
import { DEFAULT_BACKUPS, type BackupsAnswer } from '../../answers/postgres-answers.js';

const DAY = 24 * 60;

/**
 * Minutes after which the newest dump is overdue: twice the longest gap the schedule allows (a day when
 * it runs daily or more often, a week when weekdays are picked, a month or a year otherwise).
 */
export function overdueMinutes(schedule: string): number {
  const [, , day, month, weekday] = schedule.split(' ');
  const gap = month !== '*' ? 366 * DAY : day !== '*' ? 31 * DAY : weekday !== '*' ? 7 * DAY : DAY;
  return 2 * gap;
}

export const backup = defineService({
  id: 'backup',
  title: 'Backup',
  summary: 'Scheduled pg_dumpall of the roles and pg_dump of every database, with rotation',
  contribute: ({ answers }) => {
    const plan: BackupsAnswer = answers.backups ?? DEFAULT_BACKUPS;
    const kept = plan.rotation === 'weekday' ? 'one per day of the week' : 'newest BACKUP_KEEP';
    return {
      repoLayout: [{ path: 'backup/backup-loop.sh', what: 'scheduled dumps run by the backup container' }],
      containers: [
        {
          name: 'backup',
          role: `Dumps of the roles and every database at ${plan.schedule} (cron, UTC), ${kept} kept`,
          image: IMAGES.backup,
          command: ['sh', '/usr/local/bin/backup-loop.sh'],
          environment: {
            PGHOST: 'db',
            PGDATABASE: '${POSTGRES_DB}',
            PGUSER: '${POSTGRES_USER}',
            BACKUP_SCHEDULE: plan.schedule,
            BACKUP_ROTATION: plan.rotation,
            ...(plan.rotation === 'count' ? { BACKUP_KEEP: '${BACKUP_KEEP}' } : {}),
          },
          secrets: [{ secret: 'postgres_password', env: 'PGPASSWORD' }],
          mounts: [
            { file: './backup/backup-loop.sh', target: '/usr/local/bin/backup-loop.sh' },
            { storage: 'backups', target: '/backups' },
          ],
          // healthy while the newest dump is younger than twice the schedule's longest gap
          healthcheck: shellProbe(`test -n "$$(find /backups/db -name '*.dump' -mmin -${overdueMinutes(plan.schedule)} | head -n 1)"`, '120s'),
          // Kubernetes runs one round per schedule instead of the loop
          schedule: { cron: plan.schedule, environment: { BACKUP_ONCE: '1' } },
          dependsOn: { db: 'service_healthy' },
          networks: ['internal'],
          limits: limits('256m', '0.5', 100),
          tmpfs: [TMP],
        },
      ],
      storage: [{ name: 'backups', purpose: `Dumps of the roles and every database (${kept} kept)`, usedBy: ['backup'], owner: '0:0', backup: false }],
      env: [
        {
          name: 'BACKUP_KEEP',
          value: String(plan.keep ?? DEFAULT_BACKUPS.keep),
          comment: 'number of dumps of each database kept by rotation (scripts/backup.sh, and the backup container when it counts)',
        },
      ],
      files: [{ path: 'backup/backup-loop.sh', template: 'backup/backup-loop.sh.ejs', executable: true }],
    };
  },
});
