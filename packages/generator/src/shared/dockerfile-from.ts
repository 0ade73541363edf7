/**
 * A Dockerfile's FROM line read as text: the importer takes a build's base image from it, the smoke run
 * swaps the image for its stand-in and keeps the rest. (The checklist reads whole stages with dockerfile-ast.)
 */
export interface FromLine {
  /** `FROM` with its flags (`--platform=...`) and the spaces after them, as written. */
  readonly keyword: string;
  readonly image: string;
  /** What follows the image: ` AS name`, or nothing. */
  readonly rest: string;
  /** The stage this line names with AS, if any. */
  readonly stage?: string;
}

export function fromLine(line: string): FromLine | undefined {
  // a CRLF file's \r is no part of the line
  const match = /^(\s*FROM\s+(?:--\S+\s+)*)(\S+)(.*?)\r?$/i.exec(line);
  if (!match) return undefined;
  const stage = /\bAS\s+(\S+)/i.exec(match[3]!)?.[1];
  return { keyword: match[1]!, image: match[2]!, rest: match[3]!, ...(stage ? { stage } : {}) };
}

/** The image the first stage starts from. */
export const firstBaseImage = (dockerfile: string): string | undefined =>
  dockerfile
    .split('\n')
    .map(fromLine)
    .find(from => from !== undefined)?.image;
