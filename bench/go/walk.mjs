// Run by bench/go.mjs, not an area of its own: walks every function and
// every PC-to-line row of a Go binary's pclntab through @elfkit/gosym — the
// walk of the Go program that bench/go.mjs builds on debug/gosym — and
// prints the same counts: "<functions> <rows>".
//
//   node bench/go/walk.mjs <binary>
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { ElfFile } from '../../packages/elf/dist/index.js';
import { goImage } from '../../packages/symbolize/dist/index.js';
import { openGoSymbols } from '../../packages/gosym/dist/index.js';

const fd = openSync(process.argv[2], 'r');
const source = {
  size: fstatSync(fd).size,
  read(offset, length) {
    const b = new Uint8Array(length);
    readSync(fd, b, 0, length, offset);
    return b;
  },
};
const t = openGoSymbols(goImage(ElfFile.parse(source))).table;
closeSync(fd);
let names = 0;
let rows = 0;
for (let i = 0; i < t.funcCount; i++) {
  names += t.funcName(i).length;
  t.entryOf(i + 1);
}
t.walkLines(() => rows++);
if (names < 0) throw new Error('unreachable'); // the names are decoded, as Go does
process.stdout.write(`${t.funcCount} ${rows}\n`);
