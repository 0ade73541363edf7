/** Dependency closure of the chosen services, with a sentence for each service added or refused. */
import { SERVICE_IDS, type PortalAnswers, type ServiceId } from '../answers/answers.js';
import { PortalInputError } from '../answers/input-error.js';
import { serviceDefinition } from '../catalog/index.js';
import { proxyFor } from '../catalog/proxy-choice.js';

export interface ResolvedServices {
  readonly services: readonly ServiceId[];
  /** What was added and why, e.g. "added redis: celery needs a broker". */
  readonly notes: readonly string[];
}

interface Rule {
  readonly when: ServiceId;
  readonly needs: (chosen: ReadonlySet<ServiceId>) => ServiceId;
  readonly reason: string;
}

const RULES: readonly Rule[] = [
  // before celery's rule, so the celery it adds gets its broker too
  { when: 'flower', needs: () => 'celery', reason: 'flower monitors the Celery workers' },
  { when: 'celery', needs: chosen => (chosen.has('rabbitmq') ? 'rabbitmq' : 'redis'), reason: 'celery needs a broker' },
  // then what each service's module says it needs (tileserver, pgbouncer, martin: PostGIS), in catalog order
  ...SERVICE_IDS.flatMap(id =>
    (serviceDefinition(id).needs ?? []).map(({ service, reason }) => ({ when: id, needs: typeof service === 'function' ? service : () => service, reason })),
  ),
  { when: 'grafana', needs: () => 'prometheus', reason: 'grafana charts what Prometheus collects' },
  {
    when: 'prometheus',
    needs: proxyFor,
    reason: 'a proxy hides the /metrics endpoints Prometheus scrapes from the public',
  },
];

export function resolveServices(answers: PortalAnswers): ResolvedServices {
  const chosen = new Set<ServiceId>(answers.services);
  const notes: string[] = [];
  for (const rule of RULES) {
    if (!chosen.has(rule.when)) continue;
    const needed = rule.needs(chosen);
    if (!chosen.has(needed)) {
      chosen.add(needed);
      notes.push(`added ${needed}: ${rule.reason}`);
    }
  }
  refuseIncompatible(answers, chosen);
  return { services: SERVICE_IDS.filter(id => chosen.has(id)), notes };
}

function refuseIncompatible(answers: PortalAnswers, chosen: ReadonlySet<ServiceId>): void {
  if (chosen.has('celery') && answers.backend !== 'django' && answers.backend !== 'fastapi') {
    const asked = answers.services.includes('celery') ? 'celery' : 'flower';
    throw new PortalInputError(
      `Invalid --services "${asked}" with --backend "${answers.backend}": Celery runs Python tasks, so it needs --backend django or fastapi.`,
    );
  }
  if (chosen.has('backup') && !chosen.has('postgis')) {
    throw new PortalInputError(
      'Invalid --services "backup" without "postgis": the backup service schedules database dumps; add postgis or drop backup (scripts/backup.sh still saves file storage).',
    );
  }
}
