/**
 * An app's declared settings as compose values: each placeholder becomes the store's host, port or field,
 * a secret's `.env` variable (interpolated by compose) or, for `fileSettings`, a secret file the app reads
 * through `<NAME>_FILE`. Literal `$` is escaped for compose.
 */
import type { AppAnswer } from '../../answers/extras.js';
import { PortalInputError } from '../../answers/input-error.js';
import { templateParts } from '../../answers/app-contract.js';
import { quoted } from '../../answers/quoted.js';
import type { RecordedException, SecretSpec, SecretUse, StoreConnection } from '../types.js';

export interface AppSettings {
  /** In dev and prod. */
  readonly environment: Readonly<Record<string, string>>;
  readonly devEnvironment: Readonly<Record<string, string>>;
  /** Settings delivered as files. */
  readonly secrets: readonly SecretUse[];
  /** Secrets of the app's own (`{secret}`). */
  readonly ownSecrets: readonly SecretSpec[];
  /** Containers of the stores it names: it waits for them. */
  readonly stores: readonly string[];
  readonly exceptions: readonly RecordedException[];
}

const upper = (id: string): string => id.toUpperCase().replace(/-/g, '_');

/** The connections apps see: a pooler takes the place of the store it stands in for. */
export function connectionsForApps(connections: readonly StoreConnection[]): Map<string, StoreConnection> {
  const byStore = new Map(connections.map(c => [c.store, c]));
  for (const c of connections) if (c.standsInFor && byStore.has(c.standsInFor)) byStore.set(c.standsInFor, { ...c, store: c.standsInFor });
  return byStore;
}

function refuse(option: string, name: string, value: string, app: string, allowed: string): never {
  throw new PortalInputError(`Invalid --${option} ${quoted(`${name}=${value}`)} of app "${app}": ${allowed}.`);
}

/** The secret `{secret}` draws for this setting of this app. */
export function ownSecret(app: string, setting: string): SecretSpec {
  return { name: `${app.replace(/-/g, '_')}_${setting.toLowerCase()}`, env: `${upper(app)}_${setting.toUpperCase()}`, purpose: `${setting} of app ${app}` };
}

export function resolveAppSettings(app: AppAnswer, connections: ReadonlyMap<string, StoreConnection>): AppSettings {
  const stores = new Set<string>();
  const ownSecrets: SecretSpec[] = [];
  const secretVariables: string[] = [];
  const known = [...connections.keys()].sort().join(', ') || 'none in this stack';

  /** One placeholder as a compose value; `secret` is set when it is one. */
  const value = (
    option: string,
    name: string,
    raw: string,
    store: string,
    field: string | undefined,
  ): { text: string; secret?: Pick<SecretUse, 'secret' | 'env'> } => {
    if (store === 'domain' && field === undefined) return { text: '${DOMAIN}' };
    if (store === 'secret' && field === undefined) {
      const spec = ownSecret(app.id, name);
      const twin = ownSecrets.find(s => s.name === spec.name);
      if (twin && twin.purpose !== spec.purpose)
        refuse(option, name, raw, app.id, `its {secret} would be ${spec.env}, as another setting's; name the settings apart by more than case`);
      if (!twin) ownSecrets.push(spec);
      return { text: `\${${spec.env}}`, secret: { secret: spec.name, env: spec.env } };
    }
    const connection = connections.get(store);
    if (!connection)
      refuse(
        option,
        name,
        raw,
        app.id,
        `{${store}${field ? `.${field}` : ''}} names no store of this stack (stores: ${known}; also {secret} and {domain}); add the store, or change the setting with portal app set ${app.id} --setting ${name}=...`,
      );
    const fields = ['host', 'port', ...Object.keys(connection.fields ?? {}), ...Object.keys(connection.secretFields ?? {})];
    if (field === undefined || !fields.includes(field))
      refuse(
        option,
        name,
        raw,
        app.id,
        `{${store}${field ? `.${field}` : ''}} is not a field of ${store} (it has ${fields.map(f => `{${store}.${f}}`).join(', ')})`,
      );
    stores.add(connection.host);
    if (field === 'host') return { text: connection.host };
    if (field === 'port') return { text: String(connection.port) };
    const secret = connection.secretFields?.[field];
    if (secret) return { text: `\${${secret.env}}`, secret };
    return { text: connection.fields![field]! };
  };

  const render = (
    option: string,
    name: string,
    template: string,
  ): { text: string; secrets: Pick<SecretUse, 'secret' | 'env'>[]; whole?: Pick<SecretUse, 'secret' | 'env'> } => {
    const secrets: Pick<SecretUse, 'secret' | 'env'>[] = [];
    // the answers were checked for stray braces; a hand-edited .yo-rc.json goes through the same check
    const parts = templateParts(template);
    if (!parts)
      refuse(option, name, template, app.id, 'braces only around a placeholder such as {postgis.host}, {secret} or {domain}, and {{ or }} for a literal brace');
    let text = '';
    for (const part of parts) {
      if ('literal' in part) {
        text += part.literal.replace(/\$/g, '$$$$');
        continue;
      }
      const resolved = value(option, name, template, part.store, part.field);
      if (resolved.secret) secrets.push(resolved.secret);
      text += resolved.text;
    }
    const whole = parts.length === 1 && secrets.length === 1 ? secrets[0] : undefined;
    return { text, secrets, ...(whole ? { whole } : {}) };
  };

  const environment: Record<string, string> = {};
  const fileUses: SecretUse[] = [];
  for (const [name, template] of Object.entries(app.settings ?? {})) {
    const rendered = render('setting', name, template);
    if ((app.fileSettings ?? []).includes(name)) {
      if (!rendered.whole)
        refuse(
          'file-setting',
          name,
          template,
          app.id,
          'a setting read from a file must be exactly one secret, such as {postgis.password} or {secret}; give URL templates as variables',
        );
      fileUses.push({ secret: rendered.whole.secret, env: name, fileEnv: `${name}_FILE`, fileInDev: true });
      continue;
    }
    if (rendered.secrets.length > 0) secretVariables.push(name);
    environment[name] = rendered.text;
  }
  const devEnvironment: Record<string, string> = {};
  for (const [name, template] of Object.entries(app.devSettings ?? {})) {
    if (name in environment || fileUses.some(use => use.env === name))
      refuse('dev-setting', name, template, app.id, 'a variable that is not also a --setting (a dev value of a setting goes in the dev override by hand)');
    devEnvironment[name] = render('dev-setting', name, template).text;
  }
  return {
    environment,
    devEnvironment,
    secrets: fileUses,
    ownSecrets,
    stores: [...stores].sort(),
    exceptions:
      secretVariables.length > 0
        ? [
            {
              rule: 'CMP-24',
              reason: `the app reads ${secretVariables.join(', ')} as variables holding secrets (its contract); list them in fileSettings if the image reads *_FILE`,
            },
          ]
        : [],
  };
}
