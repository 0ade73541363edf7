/**
 * The generated nginx configuration as a tree, with `include`s resolved from the repo's files (the container
 * paths /etc/nginx/snippets and conf.d map to nginx/snippets and one site file).
 */
import type { RepoView } from '../repo-view.js';

export interface Directive {
  readonly name: string;
  readonly args: readonly string[];
  /** Set for blocks: server, location, http, map ... */
  readonly children?: readonly Directive[];
}

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  const pattern = /#[^\n]*|"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|([{};])|([^\s{};"'#]+)/g;
  for (const match of text.matchAll(pattern)) {
    if (match[0].startsWith('#')) continue;
    tokens.push(match[1] ?? match[2] ?? match[3] ?? match[4]!);
  }
  return tokens;
}

function parseTokens(tokens: string[], start = 0): { directives: Directive[]; end: number } {
  const directives: Directive[] = [];
  let words: string[] = [];
  let i = start;
  while (i < tokens.length) {
    const token = tokens[i]!;
    if (token === ';') {
      if (words.length) directives.push({ name: words[0]!, args: words.slice(1) });
      words = [];
    } else if (token === '{') {
      const inner = parseTokens(tokens, i + 1);
      directives.push({ name: words[0] ?? '', args: words.slice(1), children: inner.directives });
      words = [];
      i = inner.end;
    } else if (token === '}') {
      return { directives, end: i };
    } else {
      words.push(token);
    }
    i++;
  }
  return { directives, end: i };
}

export function parseNginx(text: string): Directive[] {
  return parseTokens(tokenize(text)).directives;
}

/** nginx.conf with its includes expanded, the given site file standing in for conf.d/*.conf. */
export function loadNginx(repo: RepoView, site: string): Directive[] {
  const expand = (directives: readonly Directive[], depth: number): Directive[] =>
    directives.flatMap(d => {
      if (d.name === 'include' && depth < 5) {
        const target = d.args[0] ?? '';
        const file = target.startsWith('/etc/nginx/snippets/')
          ? `nginx/snippets/${target.slice('/etc/nginx/snippets/'.length)}`
          : target.startsWith('/etc/nginx/conf.d/')
            ? site
            : undefined;
        if (file?.includes('*')) {
          // a glob include: every matching file, as nginx reads them (sorted)
          const pattern = new RegExp(`^${file.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`);
          return repo.files(pattern).flatMap(match => expand(parseNginx(repo.read(match)), depth + 1));
        }
        if (file && repo.exists(file)) return expand(parseNginx(repo.read(file)), depth + 1);
        return [d];
      }
      return d.children ? [{ ...d, children: expand(d.children, depth) }] : [d];
    });
  return expand(parseNginx(repo.read('nginx/nginx.conf')), 0);
}

export const sitesOf = (repo: RepoView): string[] => repo.files(/^nginx\/sites\/[^/]+\.conf$/);

/** Every block of a kind (server, location), at any depth. */
export function blocks(directives: readonly Directive[], name: string): Directive[] {
  return directives.flatMap(d => [...(d.name === name && d.children ? [d] : []), ...(d.children ? blocks(d.children, name) : [])]);
}

export const own = (block: Directive | readonly Directive[], name: string): Directive[] =>
  (Array.isArray(block) ? (block as readonly Directive[]) : ((block as Directive).children ?? [])).filter(d => d.name === name);

export const httpBlock = (tree: readonly Directive[]): Directive | undefined => tree.find(d => d.name === 'http');

/** Servers that answer the public (they include the portal's routes or redirect it), not the internal status server. */
export const publicServers = (tree: readonly Directive[]): Directive[] =>
  blocks(tree, 'server').filter(server => !own(server, 'listen').some(l => l.args[0] === '8081'));

export const isTlsServer = (server: Directive): boolean => own(server, 'listen').some(l => l.args.includes('ssl'));
