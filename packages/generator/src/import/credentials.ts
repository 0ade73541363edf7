/**
 * Credentials written into a command line or a healthcheck: those would land in .yo-rc.json and the compose
 * files if carried over, so the import names them instead (never their value).
 */
import { SECRET_NAME } from './settings.js';
import type { ServiceFacts } from './service-facts.js';

const URL_WITH_PASSWORD = /[a-z][a-z0-9+.-]*:\/\/[^\s:@/]*:[^\s@/]+@/i;
const SECRET_FLAG = /^--?[a-z0-9_-]*(password|passwd|secret|token|api-?key)[a-z0-9_-]*(=(.*))?$/i;

/** Every literal secret the old deployment's variables hold (named like one, or a URL's password). */
export function knownSecrets(facts: Iterable<ServiceFacts>): Set<string> {
  const out = new Set<string>();
  for (const f of facts) {
    for (const [name, value] of f.environment) {
      if (typeof value !== 'string') continue;
      const password = /^[a-z][a-z0-9+.-]*:\/\/[^\s:@/]*:([^\s@/]+)@/i.exec(value.trim())?.[1];
      if (password && password.length >= 4) out.add(password);
      if (SECRET_NAME.test(name) && value.trim().length >= 4 && !/^(true|false|none|null)$/i.test(value.trim())) out.add(value.trim());
    }
  }
  return out;
}

/** What in `words` is a credential, described without its value; undefined when none is. */
export function credentialIn(words: readonly string[], secrets: ReadonlySet<string>): string | undefined {
  for (const [i, word] of words.entries()) {
    if (URL_WITH_PASSWORD.test(word)) return 'a URL with a password';
    const flag = SECRET_FLAG.exec(word);
    // --token-file /run/secrets/t names where the secret is, not the secret
    const namesAFile = /[-_](file|path|dir)$/i.test(word.split('=')[0]!);
    if (flag && !namesAFile && (flag[3] !== undefined ? flag[3] !== '' : i + 1 < words.length && !words[i + 1]!.startsWith('-')))
      return `the value of ${word.split('=')[0]}`;
    // the whole word or an option's value: "postgres" as a password must not flag the word "postgres-init"
    if ([...secrets].some(secret => word === secret || word.endsWith(`=${secret}`))) return 'a password the old variables hold';
  }
  return undefined;
}
