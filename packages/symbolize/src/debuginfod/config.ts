/**
 * The client's settings, as elfutils reads them from the environment
 * (debuginfod-client-config(7)).
 */
export interface DebuginfodConfig {
  /** Server URLs, asked in parallel (`DEBUGINFOD_URLS`, space-separated; trailing `/` dropped, duplicates once). */
  readonly urls: readonly string[];
  /** Seconds in which a server must deliver 100 KiB or be dropped (`DEBUGINFOD_TIMEOUT`, default 90; 0 = none). */
  readonly timeoutS: number;
  /** Seconds a whole lookup may take (`DEBUGINFOD_MAXTIME`; 0 = no limit). */
  readonly maxTimeS: number;
  /** Largest file accepted, sent as `X-DEBUGINFOD-MAXSIZE` (`DEBUGINFOD_MAXSIZE`; 0 = no limit). */
  readonly maxSize: number;
  /** Times a failed query (not a 404) is repeated (`DEBUGINFOD_RETRY_LIMIT`, default 2). */
  readonly retryLimit: number;
  /** Print download progress on standard error (`DEBUGINFOD_PROGRESS` set). */
  readonly progress: boolean;
  /** Print what the client does on standard error (`DEBUGINFOD_VERBOSE` set). */
  readonly verbose: boolean;
  /** A file of extra request headers, one per line (`DEBUGINFOD_HEADERS_FILE`). */
  readonly headersFile?: string;
  /** The cache directory (`DEBUGINFOD_CACHE_PATH`), when set. */
  readonly cachePath?: string;
}

/** elfutils' defaults. */
export const DEBUGINFOD_DEFAULTS = {
  timeoutS: 90,
  retryLimit: 2,
  /** `cache_clean_interval_s`: one day. */
  cleanIntervalS: 86400,
  /** `max_unused_age_s`: one week. */
  maxUnusedAgeS: 604800,
  /** `cache_miss_s`: ten minutes. */
  cacheMissS: 600,
} as const;

/** Reads {@link DebuginfodConfig} from environment variables (`process.env` in Node). */
export function debuginfodConfig(env: Readonly<Record<string, string | undefined>>): DebuginfodConfig {
  return {
    urls: parseUrls(env.DEBUGINFOD_URLS ?? ''),
    timeoutS: int(env.DEBUGINFOD_TIMEOUT, DEBUGINFOD_DEFAULTS.timeoutS),
    maxTimeS: int(env.DEBUGINFOD_MAXTIME, 0),
    maxSize: int(env.DEBUGINFOD_MAXSIZE, 0),
    retryLimit: int(env.DEBUGINFOD_RETRY_LIMIT, DEBUGINFOD_DEFAULTS.retryLimit),
    progress: env.DEBUGINFOD_PROGRESS !== undefined,
    verbose: env.DEBUGINFOD_VERBOSE !== undefined,
    headersFile: env.DEBUGINFOD_HEADERS_FILE || undefined,
    cachePath: env.DEBUGINFOD_CACHE_PATH || undefined,
  };
}

/** `DEBUGINFOD_URLS`: split on spaces, each with its trailing `/` removed, each once. */
export function parseUrls(value: string): string[] {
  const out: string[] = [];
  for (const u of value.split(/\s+/)) {
    if (!u) continue;
    const trimmed = u.length > 1 ? u.replace(/\/+$/, '') : u;
    if (!out.includes(trimmed)) out.push(trimmed);
  }
  return out;
}

/** atoi as elfutils uses it: leading digits, else the default; negatives count as 0 (off). */
function int(v: string | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  const m = /^\s*([+-]?\d+)/.exec(v);
  if (!m) return 0;
  return Math.max(0, Number.parseInt(m[1]!, 10));
}

/**
 * Request headers from the text of a headers file: one `Name: value` per
 * line; blank lines and lines that are no header are skipped.
 */
export function parseHeaderLines(text: string): [string, string][] {
  const out: [string, string][] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):\s*(.*?)\s*$/.exec(line);
    if (m) out.push([m[1]!, m[2]!]);
  }
  return out;
}
