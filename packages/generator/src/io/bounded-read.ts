/**
 * The one reader of files a user hands us (answers, .yo-rc.json, an old deployment's files): a regular
 * file only, of bounded size, opened without blocking (a FIFO must not hang the run) and read once from
 * the descriptor that was checked. Every refusal goes through `fail`, which names the culprit.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { PortalInputError } from '../answers/input-error.js';

export interface BoundedRead {
  readonly maxBytes: number;
  /** What the file should be, for the messages: "a JSON file", "a text file". */
  readonly expected: string;
  /** Why the size limit, e.g. "answers are at most 1048576 bytes". */
  readonly sizeLimit: string;
  /** Refuse a final link rather than follow it. */
  readonly noLinks?: boolean;
  /** Refuse a file with more than one hard link: the other name may be anywhere (/etc/passwd), and no path check sees it. */
  readonly singleLink?: boolean;
}

export function readBoundedFile(path: string, options: BoundedRead, fail: (why: string) => never): string {
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | (options.noLinks ? constants.O_NOFOLLOW : 0));
    const stat = fstatSync(fd);
    if (!stat.isFile()) fail(`it is ${stat.isDirectory() ? 'a folder' : 'not a regular file'}; expected ${options.expected}`);
    if (options.singleLink && stat.nlink > 1) fail(`it is hard-linked (${stat.nlink} names), so it may be a file outside the folder; copy it in (cp, not ln)`);
    if (stat.size > options.maxBytes) fail(`it is ${stat.size} bytes; ${options.sizeLimit}`);
    const buffer = Buffer.alloc(stat.size);
    let read = 0;
    while (read < stat.size) {
      const n = readSync(fd, buffer, read, stat.size - read, read);
      if (n === 0) break;
      read += n;
    }
    return buffer.subarray(0, read).toString('utf8');
  } catch (error) {
    if (error instanceof PortalInputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    return fail(
      code === 'ELOOP' && options.noLinks ? 'it is a link; give the file it points to' : `cannot read it (${code ?? 'error'}); expected ${options.expected}`,
    );
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
