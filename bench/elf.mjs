// ELF listings against GNU readelf and llvm-readelf: sections of the largest
// ELF on the machine, symbols of the one with the largest symbol table
// (docker's 46,865 on this machine kind; terraform is stripped).
import { readFileSync } from 'node:fs';
import { ElfFile } from '../packages/elf/dist/index.js';
import { compare, elfkit, largest, which } from './lib.mjs';

const CANDIDATES = ['docker', 'terraform', 'kubectl', 'helm'];

function mostSymbols() {
  let best;
  for (const c of CANDIDATES) {
    const p = which(c);
    if (!p) continue;
    const elf = ElfFile.parse(readFileSync(p));
    const n = elf.symbols().length;
    if (!best || n > best.count) best = { path: p, count: n };
  }
  return best;
}

export default function elfBench() {
  const big = largest(CANDIDATES);
  if (!big) return process.stdout.write('elf: no large ELF binary found on PATH; skipped\n');
  process.stdout.write(`\nELF listings\n`);
  compare(`sections of ${big.path} (${(big.size / 1e6).toFixed(1)} MB)`, [
    { label: 'elfkit sections', ...elfkit('sections', big.path) },
    { label: 'readelf -S -W', cmd: which('readelf'), args: ['-S', '-W', big.path] },
    { label: 'llvm-readelf -S -W', cmd: which('llvm-readelf'), args: ['-S', '-W', big.path] },
  ]);
  const syms = mostSymbols();
  if (!syms || syms.count === 0) return;
  compare(`symbols of ${syms.path} (${syms.count} symbols)`, [
    { label: 'elfkit symbols', ...elfkit('symbols', syms.path) },
    { label: 'readelf -s -W', cmd: which('readelf'), args: ['-s', '-W', syms.path] },
    { label: 'llvm-readelf -s -W', cmd: which('llvm-readelf'), args: ['-s', '-W', syms.path] },
  ]);
  compare(`symbols as JSON of ${syms.path}`, [
    { label: 'elfkit symbols --json', ...elfkit('symbols', '--json', syms.path) },
    { label: 'llvm-readelf -s --elf-output-style=JSON', cmd: which('llvm-readelf'), args: ['-s', '--elf-output-style=JSON', syms.path] },
  ]);
}
