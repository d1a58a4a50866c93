// elfkit size on the Go docker CLI: -d sections, -d symbols and
// -d compileunits, time and peak memory. bloaty is not packaged for this
// machine kind, so its figures are the ones recorded on it (shared
// reference notes, bloaty HEAD 81a414c built from source) and printed beside
// ours; a bloaty on PATH is measured instead.
import { existsSync } from 'node:fs';
import { compare, elfkit, which } from './lib.mjs';

const DOCKER = '/usr/local/bin/docker';

/** bloaty on /usr/local/bin/docker, recorded on this machine kind: [seconds, MB]. */
const RECORDED = { sections: [0.01, 10], symbols: [1.57, 84], compileunits: [1.63, 113] };

export default function sizeBench() {
  const target = existsSync(DOCKER) ? DOCKER : which('docker');
  if (!target) return process.stdout.write('\nsize: skipped (no Go docker CLI at /usr/local/bin/docker or on PATH)\n');
  const bloaty = which('bloaty');
  process.stdout.write(`\nelfkit size (bloaty's model) on ${target}\n`);
  for (const source of ['sections', 'symbols', 'compileunits']) {
    const [r] = compare(`size -d ${source}`, [
      { label: `elfkit size -d ${source}`, ...elfkit('size', target, '-d', source) },
      { label: `bloaty -d ${source}`, cmd: bloaty, args: ['-d', source, target], why: 'not packaged for Debian bookworm' },
    ], { runs: 3 });
    if (!bloaty && r && !r.skipped) {
      const [s, mb] = RECORDED[source];
      process.stdout.write(
        `  ${'bloaty (recorded)'.padEnd(40)} ${(s * 1000).toFixed(1).padStart(9)} ms ${mb.toFixed(1).padStart(8)} MiB   elfkit/this: time ${(r.ms / (s * 1000)).toFixed(2)}x, memory ${(r.kb / 1024 / mb).toFixed(2)}x\n`,
      );
    }
  }
}
