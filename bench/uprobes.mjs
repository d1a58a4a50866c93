// Uprobe attach points: `elfkit uprobes` over every function of a large
// stripped Go binary (terraform, when installed at /usr/local/bin): the
// pclntab's functions, each one's return instructions found by iced-x86,
// file offsets computed. The native comparison is `objdump -d`, which is
// how one finds return instructions without elfkit (it disassembles the
// whole .text; its output would still need parsing). Absolute throughput
// is printed too: functions, bytes of code and return probes per second.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { compare, elfkit, elfkitBin, which } from './lib.mjs';

const TERRAFORM = '/usr/local/bin/terraform';

export default async function uprobesBench() {
  if (!existsSync(TERRAFORM)) {
    process.stdout.write(`\nuprobes: skipped: ${TERRAFORM} is not installed\n`);
    return;
  }
  const results = compare(
    `uprobes: every function of terraform (${TERRAFORM}), entries and returns`,
    [
      { label: 'elfkit uprobes --json', ...elfkit('uprobes', '--json', TERRAFORM) },
      { label: 'elfkit uprobes (text)', ...elfkit('uprobes', TERRAFORM) },
      which('objdump') ? { label: 'objdump -d --no-show-raw-insn', cmd: which('objdump'), args: ['-d', '--no-show-raw-insn', TERRAFORM] } : { label: 'objdump -d', why: 'objdump is not on PATH' },
    ],
    { runs: 3 },
  );
  const r = spawnSync(process.execPath, [elfkitBin, 'uprobes', '--json', TERRAFORM], { maxBuffer: 1 << 30, encoding: 'utf8' });
  if (r.status !== 0) return;
  const doc = JSON.parse(r.stdout);
  let bytes = 0;
  let rets = 0;
  for (const f of doc.functions) {
    if (f.end) bytes += Number(BigInt(f.end) - BigInt(f.address));
    rets += f.returns?.length ?? 0;
  }
  const s = results[0].ms / 1000;
  process.stdout.write(
    `  throughput (elfkit uprobes --json): ${doc.functions.length} functions, ${(bytes / 2 ** 20).toFixed(1)} MiB of code, ${rets} return probes in ${s.toFixed(2)} s: ` +
      `${Math.round(doc.functions.length / s)} functions/s, ${(bytes / 2 ** 20 / s).toFixed(1)} MiB/s\n`,
  );
}
