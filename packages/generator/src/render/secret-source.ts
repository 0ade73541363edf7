/** Where secret values come from: the OS random source, or a seeded one so tests get stable bytes. */
import { createHash, randomBytes } from 'node:crypto';

export type SecretSource = (name: string) => string;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** 32 characters of 62 symbols: about 190 bits, and safe in URLs, shells and compose files. */
const LENGTH = 32;

export const randomSecrets: SecretSource = () => fromBytes(length => randomBytes(length));

/** Deterministic secrets for tests only: the same seed and name give the same value. */
export function seededSecrets(seed: string): SecretSource {
  return name => {
    let counter = 0;
    return fromBytes(length => {
      const chunks: Buffer[] = [];
      while (Buffer.concat(chunks).length < length) {
        chunks.push(createHash('sha256').update(`${seed}\0${name}\0${counter++}`).digest());
      }
      return Buffer.concat(chunks).subarray(0, length);
    });
  };
}

/** Rejection sampling, so every symbol is equally likely. */
function fromBytes(next: (length: number) => Buffer): string {
  let out = '';
  while (out.length < LENGTH) {
    for (const byte of next(64)) {
      if (byte < 248 && out.length < LENGTH) out += ALPHABET[byte % 62];
    }
  }
  return out;
}
