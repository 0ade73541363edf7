/** A self-signed certificate for a day, standing in for the one TLS_CERT_DIR provides in prod. */
import { join } from 'node:path';
import { runTool, type ToolRun } from '../checks/run-tool.js';
import { tool } from '../checks/tools.js';

/** Writes `privkey.pem` and `fullchain.pem` into `certs`, for `domain` (its name and SAN) or a plain test name. */
export function throwawayCertificate(certs: string, domain?: string): Promise<ToolRun> {
  const subject =
    domain === undefined ? ['-subj', '/CN=test'] : ['-subj', domain.length <= 64 ? `/CN=${domain}` : '/O=test', '-addext', `subjectAltName=DNS:${domain}`];
  return runTool(tool('openssl') ?? 'openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-days',
    '1',
    ...subject,
    '-keyout',
    join(certs, 'privkey.pem'),
    '-out',
    join(certs, 'fullchain.pem'),
  ]);
}
