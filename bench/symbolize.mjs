// Symbolization: 100,000 addresses spread over the Go docker CLI (mixed Go
// and C DWARF) through one process on standard input, elfkit symbolize vs
// llvm-symbolizer --output-style=JSON and GNU addr2line -f -i; and the time
// to the first answer for one address.
import { existsSync, readFileSync } from 'node:fs';
import { compare, elfkit, which } from './lib.mjs';

const DOCKER = '/usr/local/bin/docker';

/** 100,000 addresses spread evenly over the executable PT_LOAD segments, from the ELF program headers. */
function addresses(path, n) {
  const b = readFileSync(path);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const phoff = Number(dv.getBigUint64(0x20, true));
  const phnum = dv.getUint16(0x38, true);
  const segs = [];
  for (let i = 0; i < phnum; i++) {
    const o = phoff + i * 56;
    if (dv.getUint32(o, true) === 1 && dv.getUint32(o + 4, true) & 1) segs.push([dv.getBigUint64(o + 0x10, true), dv.getBigUint64(o + 0x28, true)]);
  }
  const total = segs.reduce((s, [, z]) => s + z, 0n);
  const out = [];
  for (let k = 0; k < n; k++) {
    let off = (total * BigInt(k)) / BigInt(n) + BigInt((k * 7919) % 61);
    for (const [a, z] of segs) {
      if (off < z) {
        out.push('0x' + (a + off).toString(16));
        break;
      }
      off -= z;
    }
  }
  return out.join('\n') + '\n';
}

export default async function symbolizeBench() {
  if (!existsSync(DOCKER)) {
    process.stdout.write(`\n## symbolize\nSKIP symbolize benchmark: ${DOCKER} (the Go docker CLI) is not on this machine\n`);
    return;
  }
  const stdin = addresses(DOCKER, 100_000);
  const llvm = which('llvm-symbolizer');
  const gnu = which('addr2line');
  compare(
    `symbolize 100,000 addresses over ${DOCKER} (one process, stdin)`,
    [
      { label: 'elfkit symbolize --output-style=JSON', ...elfkit('symbolize', '--output-style=JSON', `--obj=${DOCKER}`), stdin },
      { label: 'llvm-symbolizer --output-style=JSON', cmd: llvm, args: ['--output-style=JSON', `--obj=${DOCKER}`], stdin, why: 'llvm-symbolizer not installed' },
    ],
    // In turns, so that load from other work on a shared machine falls on both alike.
    { runs: 3, interleave: true },
  );
  // GNU addr2line -f -i on the input, all 100,000 addresses: one
  // run each (GNU takes ~15 s here), in turns.
  compare(
    'addr2line -f -i on the same 100,000 addresses',
    [
      { label: 'elfkit addr2line -f -i', ...elfkit('addr2line', '-f', '-i', '-e', DOCKER), stdin },
      { label: 'GNU addr2line -f -i', cmd: gnu, args: ['-f', '-i', '-e', DOCKER], stdin, why: 'binutils not installed' },
    ],
    { runs: 1, interleave: true },
  );
  // And a tenth of them, where elfkit's fixed cost (inflating and indexing
  // the DWARF) weighs more.
  const tenth = stdin.split('\n').filter((_, i) => i % 10 === 0).join('\n') + '\n';
  compare(
    'addr2line -f -i on 10,000 of those addresses',
    [
      { label: 'elfkit addr2line -f -i', ...elfkit('addr2line', '-f', '-i', '-e', DOCKER), stdin: tenth },
      { label: 'GNU addr2line -f -i', cmd: gnu, args: ['-f', '-i', '-e', DOCKER], stdin: tenth, why: 'binutils not installed' },
    ],
    { runs: 1, interleave: true },
  );
  const one = stdin.split('\n')[50_000] + '\n';
  compare(
    'time to the first answer: one address',
    [
      { label: 'elfkit symbolize', ...elfkit('symbolize', `--obj=${DOCKER}`), stdin: one },
      { label: 'llvm-symbolizer', cmd: llvm, args: [`--obj=${DOCKER}`], stdin: one, why: 'llvm-symbolizer not installed' },
    ],
    { runs: 5, interleave: true },
  );
}
