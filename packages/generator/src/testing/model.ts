/** Test helper: a validated model from partial answers, without Yeoman. */
import { defaultAnswers, validateAnswers, type RawAnswers } from '../answers/answers.js';
import { buildPortalModel } from '../model/build-portal-model.js';
import type { PortalModel } from '../model/portal-model.js';

export const modelOf = (raw: RawAnswers = {}): PortalModel => buildPortalModel(validateAnswers({ ...defaultAnswers(raw, 'portal'), ...raw }));

export const ALL_SERVICES = 'postgis,redis,celery,rabbitmq,tileserver,varnish,nginx,traefik,prometheus,grafana,backup';
