/** Requests through the edge as a browser sends them (Host and SNI of the domain), and one check's report. */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { sleep, type Report, type RunningStack } from './stack.js';

export interface Answer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

export interface Edge {
  readonly service: string;
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
  readonly domain: string;
}

export const MVT = 'application/vnd.mapbox-vector-tile';
export const SECURITY_HEADERS = ['x-content-type-options', 'x-frame-options', 'referrer-policy', 'content-security-policy'];

export function get(edge: Edge, path: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const options = {
      host: edge.host,
      port: edge.port,
      path,
      headers: { Host: edge.domain },
      timeout: 15_000,
      servername: edge.domain,
      rejectUnauthorized: false,
    };
    const req = (edge.tls ? httpsRequest : httpRequest)(options, res => {
      const chunks: Buffer[] = [];
      res.on('data', chunk => chunks.push(chunk as Buffer));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, String(v)])),
          body: Buffer.concat(chunks),
        }),
      );
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${edge.service} for ${path} in 15 s`)));
    req.on('error', reject);
    req.end();
  });
}

/** How many requests for `path` the service's own access log shows (the app's and tileserver's logs do). */
export async function served(stack: RunningStack, service: string, path: string): Promise<number> {
  if (!stack.started(service)) return 0;
  const needle = ` ${path} HTTP/`;
  return (await stack.logs(service)).split('\n').filter(line => line.includes(needle)).length;
}

/** Waits briefly for a log line to be written, as access logs are written after the answer. */
export async function servedSettled(stack: RunningStack, service: string, path: string, expected: number): Promise<number> {
  let count = await served(stack, service, path);
  for (let i = 0; i < 20 && count < expected; i++) {
    await sleep(150);
    count = await served(stack, service, path);
  }
  return count;
}

export async function check(report: Report, what: string, body: () => Promise<string | undefined>): Promise<void> {
  try {
    const problem = await body();
    if (problem) report.fail(what, problem);
    else report.ok(what);
  } catch (error) {
    report.fail(what, error instanceof Error ? error.message : String(error));
  }
}
