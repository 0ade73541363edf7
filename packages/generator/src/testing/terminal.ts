/**
 * Test helper: a command in a real terminal (a detached tmux session on a server of its own), typed into
 * with send-keys and read with capture-pane. Every wait polls the screen up to a deadline, so a loaded
 * machine makes a test slower, not flaky: a key sent before its prompt is drawn would be lost.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** The line the wrapper prints when the command ends. */
const EXIT = /^\[exit (\d+)\]$/m;

export const hasTmux = (): boolean => spawnSync('tmux', ['-V'], { encoding: 'utf8' }).status === 0;

const shellWord = (word: string): string => `'${word.replace(/'/g, `'\\''`)}'`;

export class Terminal {
  private readonly socketFolder = mkdtempSync(join(tmpdir(), 'portal-tmux-'));
  private readonly socket = join(this.socketFolder, 'socket');

  /** Starts `command` in `cwd` on a 200x50 screen; `env` is added to this process's environment. */
  constructor(command: readonly string[], cwd: string, env: Readonly<Record<string, string>> = {}) {
    const line = `${command.map(shellWord).join(' ')}; echo "[exit $?]"; exec sleep 3600`;
    this.tmux(['new-session', '-d', '-x', '200', '-y', '50', '-c', cwd, line], { ...env, LANG: 'C.UTF-8' });
  }

  /** The screen and the lines scrolled off it, wrapped lines joined. */
  screen(): string {
    // -J keeps the blanks that fill each line: dropped, so patterns can end with $
    return this.tmux(['capture-pane', '-p', '-J', '-S', '-2000'])
      .split('\n')
      .map(line => line.trimEnd())
      .join('\n')
      .trimEnd();
  }

  /** Waits until the screen matches `pattern` and returns the screen; fails with the screen after `timeoutMs`. */
  async waitFor(pattern: RegExp, timeoutMs = 90_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = this.screen();
      if (pattern.test(screen)) return screen;
      const ended = EXIT.exec(screen);
      if (ended || Date.now() > deadline) {
        throw new Error(
          `${ended ? `the command ended (exit ${ended[1]})` : `no ${pattern} after ${timeoutMs / 1000}s`} before the screen showed ${pattern}; the screen:\n${screen}`,
        );
      }
      await sleep(250);
    }
  }

  /** Waits for the command to end and returns its exit code and the screen. */
  async exit(timeoutMs = 180_000): Promise<{ code: number; screen: string }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = this.screen();
      const ended = EXIT.exec(screen);
      if (ended) return { code: Number(ended[1]), screen };
      if (Date.now() > deadline) throw new Error(`still running after ${timeoutMs / 1000}s; the screen:\n${screen}`);
      await sleep(250);
    }
  }

  /** Types text as it is, without tmux reading key names in it. */
  type(text: string): void {
    this.tmux(['send-keys', '-l', text]);
  }

  /** Presses keys by tmux name: Enter, Space, Down, C-u (clear the line). */
  press(...keys: string[]): void {
    this.tmux(['send-keys', ...keys]);
  }

  /** Ends the session's server (and the command in it) and removes its socket. */
  close(): void {
    spawnSync('tmux', ['-S', this.socket, 'kill-server']);
    rmSync(this.socketFolder, { recursive: true, force: true });
  }

  private tmux(args: string[], env: Readonly<Record<string, string>> = {}): string {
    const result = spawnSync('tmux', ['-u', '-S', this.socket, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 30_000 });
    if (result.status !== 0) throw new Error(`tmux ${args[0]} failed: ${result.stderr || result.error?.message}`);
    return result.stdout;
  }
}
