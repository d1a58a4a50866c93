// ELF listings: sections and symbols of the largest ELF on the machine,
// elfkit against GNU readelf and llvm-readelf.
import { compare, elfkit, largest, which } from './lib.mjs';

export default function elfBench() {
  const target = largest(['docker', 'terraform']);
  if (!target) return process.stdout.write('elf: no large ELF binary found on PATH; skipped\n');
  const bin = target.path;
  process.stdout.write(`\nELF listings on ${bin} (${(target.size / 1e6).toFixed(1)} MB)\n`);
  compare('sections', [
    { label: 'elfkit sections', ...elfkit('sections', bin) },
    { label: 'readelf -S -W', cmd: which('readelf'), args: ['-S', '-W', bin] },
    { label: 'llvm-readelf -S -W', cmd: which('llvm-readelf'), args: ['-S', '-W', bin] },
  ]);
  compare('symbols', [
    { label: 'elfkit symbols', ...elfkit('symbols', bin) },
    { label: 'readelf -s -W', cmd: which('readelf'), args: ['-s', '-W', bin] },
    { label: 'llvm-readelf -s -W', cmd: which('llvm-readelf'), args: ['-s', '-W', bin] },
  ]);
  compare('symbols --json', [
    { label: 'elfkit symbols --json', ...elfkit('symbols', '--json', bin) },
    { label: 'llvm-readelf -s --elf-output-style=JSON', cmd: which('llvm-readelf'), args: ['-s', '--elf-output-style=JSON', bin] },
  ]);
}
