import type { Argv } from 'yargs';

/**
 * The `--debug-file-directory` option (gdb's name): repeat it, or give a
 * colon-separated list as gdb does. It takes exactly one value per use so
 * it never swallows the file argument.
 */
export function debugDirOption<T>(y: Argv<T>) {
  return y.option('debug-file-directory', {
    type: 'string',
    requiresArg: true,
    describe: 'where to look for separate debug files (.build-id/… and .gnu_debuglink names); repeat or use a:b; default /usr/lib/debug',
  });
}

/** The directories of `--debug-file-directory` (repeated and/or colon-separated). */
export function debugDirs(v: string | string[] | undefined): string[] | undefined {
  if (v === undefined) return undefined;
  return (Array.isArray(v) ? v : [v]).flatMap((d) => d.split(':')).filter(Boolean);
}
