import { readFileSync } from 'node:fs';
import type { Argv } from 'yargs';
import * as C from '@elfkit/elf/constants';
import { CliError, UsageError } from '../errors.js';

/** `-o FILE` / `--in-place`: where a rewriting command writes. */
export function outputOptions<T>(y: Argv<T>) {
  return y
    .option('o', { alias: 'output', type: 'string', describe: 'write the result to this file (the input is left alone)' })
    .option('in-place', { type: 'boolean', describe: 'replace the input (through a temporary file, renamed over it)' });
}

/** `--file F` / `--string S`: the contents to put in a section. */
export function payloadOptions<T>(y: Argv<T>) {
  return y
    .option('file', { type: 'string', describe: 'take the contents from this file' })
    .option('string', { type: 'string', describe: 'take the contents from this string (UTF-8, no terminator)' });
}

/** The bytes named by `--file` or `--string` (exactly one). */
export function payload(a: { file?: string; string?: string }): Uint8Array {
  if ((a.file === undefined) === (a.string === undefined)) throw new UsageError('give the contents with exactly one of --file FILE or --string TEXT');
  if (a.string !== undefined) return new TextEncoder().encode(a.string);
  try {
    return new Uint8Array(readFileSync(a.file!));
  } catch (e) {
    throw new CliError(`cannot read ${a.file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
}

const FLAG_WORDS: Record<string, number> = {
  alloc: C.SHF_ALLOC,
  write: C.SHF_WRITE,
  exec: C.SHF_EXECINSTR,
  code: C.SHF_EXECINSTR,
  merge: C.SHF_MERGE,
  strings: C.SHF_STRINGS,
  exclude: C.SHF_EXCLUDE,
  retain: C.SHF_GNU_RETAIN,
};

/**
 * Section flags from a comma-separated list of words (alloc, write, exec
 * or code, merge, strings, exclude, retain) and numbers (`0x10`); `none`
 * or an empty list is 0.
 */
export function parseSectionFlags(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  let flags = 0;
  for (const raw of text.split(',')) {
    const w = raw.trim().toLowerCase();
    if (w === '' || w === 'none') continue;
    if (/^(0x[0-9a-f]+|\d+)$/.test(w)) flags |= Number(w);
    else if (w in FLAG_WORDS) flags |= FLAG_WORDS[w]!;
    else throw new UsageError(`unknown section flag ${JSON.stringify(raw)} (known: ${Object.keys(FLAG_WORDS).join(', ')}, or a number)`);
  }
  return flags >>> 0;
}

/** `progbits` / `note` / a number as sh_type. */
export function parseSectionType(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const t = text.toLowerCase();
  if (t === 'progbits') return C.SHT_PROGBITS;
  if (t === 'note') return C.SHT_NOTE;
  if (/^(0x[0-9a-f]+|\d+)$/.test(t)) return Number(t);
  throw new UsageError(`unknown section type ${JSON.stringify(text)} (progbits, note, or a number)`);
}

/** `--align N`: a power of two. */
export function parseAlign(v: number | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!Number.isSafeInteger(v) || v < 0 || (v & (v - 1)) !== 0) throw new UsageError(`--align ${v} is not a power of two`);
  return v;
}
