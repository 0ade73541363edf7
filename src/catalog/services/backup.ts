/** In-stack scheduled database dumps with rotation, into the backups storage. */
import { IMAGES } from '../images.js';
import { limits, shellProbe, TMP } from '../defaults.js';
import { defineService } from '../types.js';

export const backup = defineService({
  id: 'backup',
  title: 'Backup',
  summary: 'Scheduled pg_dump of the database with rotation',
  contribute: () => ({
    containers: [
      {
        name: 'backup',
        role: 'Scheduled database dumps with rotation',
        image: IMAGES.backup,
        command: ['sh', '/usr/local/bin/backup-loop.sh'],
        environment: {
          PGHOST: 'db',
          PGDATABASE: '${POSTGRES_DB}',
          PGUSER: '${POSTGRES_USER}',
          BACKUP_INTERVAL_SECONDS: '${BACKUP_INTERVAL_SECONDS}',
          BACKUP_KEEP: '${BACKUP_KEEP}',
        },
        secrets: [{ secret: 'postgres_password', env: 'PGPASSWORD' }],
        mounts: [
          { file: './backup/backup-loop.sh', target: '/usr/local/bin/backup-loop.sh' },
          { storage: 'backups', target: '/backups' },
        ],
        // healthy while the newest dump is younger than two intervals
        healthcheck: shellProbe('test -n "$$(find /backups/db -name \'*.dump\' -mmin -$$((BACKUP_INTERVAL_SECONDS / 30)) | head -n 1)"', '120s'),
        dependsOn: { db: 'service_healthy' },
        networks: ['internal'],
        limits: limits('256m', '0.5', 100),
        tmpfs: [TMP],
      },
    ],
    storage: [{ name: 'backups', purpose: 'Database dumps (newest BACKUP_KEEP kept)', usedBy: ['backup'], owner: '0:0', backup: false }],
    env: [
      { name: 'BACKUP_INTERVAL_SECONDS', value: '86400', comment: 'time between scheduled dumps' },
      { name: 'BACKUP_KEEP', value: '7', comment: 'number of dumps kept by rotation' },
    ],
    files: [{ path: 'backup/backup-loop.sh', template: 'backup/backup-loop.sh.ejs', executable: true }],
  }),
});
