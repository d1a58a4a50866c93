import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The version of the installed `@elfkit/cli`, from its package.json: the
 * nearest one above this module that names the package, which is two
 * levels up from the esbuild bundle (dist/bundle/) and one from tsc's
 * output (dist/). yargs's own guess reads the wrong package.json (or none)
 * once the CLI is installed globally and prints `unknown`.
 */
export function cliVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (manifest.name === '@elfkit/cli' && manifest.version) return manifest.version;
    } catch {
      // no package.json here: look one level up
    }
    dir = dirname(dir);
  }
  return 'unknown';
}
