/** The import's account of itself: each old container and what it became, then what was kept and what could not be said. */

export interface ReportRow {
  /** The old container (compose service name). */
  readonly old: string;
  /** What it became, e.g. "service postgis (db)", "app pile", "backend", "dropped", "volume data-store". */
  readonly became: string;
  /** What carried over (settings, ports, mounts ...). */
  readonly carried: readonly string[];
}

export interface ImportReport {
  readonly rows: ReportRow[];
  /** Kept as is (names, paths, ports the images read). */
  readonly kept: string[];
  /** Could not be expressed, each with the reason (and the hardening differences). */
  readonly notExpressed: string[];
  /** Literal secrets replaced by generated ones: "container VARIABLE". */
  readonly replacedSecrets: string[];
}

export const emptyReport = (): ImportReport => ({ rows: [], kept: [], notExpressed: [], replacedSecrets: [] });

/** A plain-text table, then the lists; the same text every run for the same input. */
export function formatReport(report: ImportReport): string {
  const width = Math.max(13, ...report.rows.map(row => row.old.length));
  const becameWidth = Math.max(10, ...report.rows.map(row => row.became.length));
  const line = (a: string, b: string, c: string) => `${a.padEnd(width)}  ${b.padEnd(becameWidth)}  ${c}`.trimEnd();
  const lines = [line('old container', 'became', 'carried over'), line('-'.repeat(width), '-'.repeat(becameWidth), '-'.repeat(12))];
  for (const row of report.rows) lines.push(line(row.old, row.became, row.carried.join('; ')));
  const section = (title: string, items: readonly string[]) => (items.length > 0 ? ['', `${title}:`, ...items.map(item => `  - ${item}`)] : []);
  return [
    ...lines,
    ...section('Kept as is', report.kept),
    ...section('Secrets replaced by generated ones (never written to .yo-rc.json)', report.replacedSecrets),
    ...section('Not expressed (and why)', report.notExpressed),
  ].join('\n');
}
