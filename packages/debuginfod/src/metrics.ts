/** Label values of one series. */
export type Labels = Readonly<Record<string, string>>;

function key(name: string, labels: Labels): string {
  const parts = Object.keys(labels)
    .sort()
    .map((k) => `${k}="${labels[k]!.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
  return parts.length ? `${name}{${parts.join(',')}}` : name;
}

/**
 * Counters and gauges in Prometheus' text format, named as elfutils'
 * debuginfod names them where it has the same thing
 * (`http_requests_total{type}`, `http_responses_total{result}`,
 * `http_responses_transfer_bytes_sum{code,type}`,
 * `thread_work_pending{role="scan"}`, `scanned_files_total{source}`), so
 * dashboards and scripts that watch one watch the other.
 */
export class Metrics {
  private readonly series = new Map<string, { name: string; kind: 'counter' | 'gauge'; value: number }>();

  /** Adds `by` to a counter. */
  inc(name: string, labels: Labels = {}, by = 1): void {
    const k = key(name, labels);
    const s = this.series.get(k);
    if (s) s.value += by;
    else this.series.set(k, { name, kind: 'counter', value: by });
  }

  /** Sets a gauge. */
  set(name: string, labels: Labels, value: number): void {
    const k = key(name, labels);
    const s = this.series.get(k);
    if (s) s.value = value;
    else this.series.set(k, { name, kind: 'gauge', value });
  }

  /** A series' value (0 when never set). */
  get(name: string, labels: Labels = {}): number {
    return this.series.get(key(name, labels))?.value ?? 0;
  }

  /** The exposition text (`# TYPE` once per name, series sorted). */
  text(): string {
    const byName = new Map<string, { kind: string; lines: string[] }>();
    for (const [k, s] of [...this.series].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      let g = byName.get(s.name);
      if (!g) byName.set(s.name, (g = { kind: s.kind, lines: [] }));
      g.lines.push(`${k} ${s.value}`);
    }
    let out = '';
    for (const [name, g] of byName) out += `# TYPE ${name} ${g.kind}\n${g.lines.join('\n')}\n`;
    return out;
  }
}
