import type { StampOptions } from './run.js';

/**
 * The options of `elfkit stamp`, declared once for both parsers: yargs
 * (help, errors) and the start-up fast path (node:util parseArgs), which
 * skips loading yargs for the common case.
 */
export const STAMP_OPTIONS = {
  output: { short: 'o', type: 'string', describe: 'write the stamped binary to this file (the input is left alone)' },
  'in-place': { type: 'boolean', describe: 'replace the input (through a temporary file, renamed over it)' },
  section: { type: 'string', describe: 'section name; alone, the stamp is raw JSON in it (default: an FDO note in .note.elfkit.stamp)' },
  note: { type: 'boolean', describe: 'store an FDO package-metadata note (JSON), readable as systemd .note.package (the default)' },
  loadable: { type: 'boolean', describe: 'make the note part of the memory image (new PT_LOAD + PT_NOTE), readable at run time' },
  'git-dir': { type: 'string', describe: 'read git facts from the work tree at this directory (default: the current directory)' },
  'no-git': { type: 'boolean', describe: 'record no git facts (stamping outside a repository)' },
  set: { type: 'string', multiple: true, describe: 'add key=value to the stamp\'s "extra" object (repeatable)' },
} as const;

/** StampOptions from parsed option values (yargs' `--git`/`--no-git`, or parseArgs' `no-git`). */
export function stampOptionsFrom(file: string, v: Record<string, unknown>): StampOptions {
  return {
    file,
    o: v.output as string | undefined,
    inPlace: v['in-place'] as boolean | undefined,
    section: v.section as string | undefined,
    note: v.note as boolean | undefined,
    loadable: v.loadable as boolean | undefined,
    gitDir: v['git-dir'] as string | undefined,
    git: v.git !== false && !v['no-git'],
    set: (v.set as unknown[] | undefined)?.map(String),
  };
}
