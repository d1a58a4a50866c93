// Type-checked by packages/cli/test/consumer.test.ts in a temporary project
// that installed only the packed tarballs, under moduleResolution node16 and
// bundler: the declarations resolve, and they are real types, not `any`
// (each @ts-expect-error fails the check if its line stops being an error).
import { readFileSync } from 'node:fs';
import { ParseError, type ByteSource } from '@elfkit/binary';
import { ElfFile } from '@elfkit/elf';
import { Dwarf } from '@elfkit/dwarf';
import { openGoSymbols, type GoImage } from '@elfkit/gosym';
import { SizeModel, type SizeNode } from '@elfkit/size';
import { goImage } from '@elfkit/symbolize/go-image';
import { unwind, type Backtrace } from '@elfkit/unwind';
import { CoreProcess } from '@elfkit/core';
import { ContainerImage, type ScanResult } from '@elfkit/image';
import { nodeImageHost } from '@elfkit/image/node';
import { main } from '@elfkit/cli';

const source: ByteSource = { size: 4, read: (offset, length) => new Uint8Array(length).fill(offset) };
const elf = ElfFile.parse(source);
const count: number = elf.sections.length;
const value: bigint | undefined = elf.symbol('main')?.value;
// @ts-expect-error sections are not a string
const wrong: string = elf.sections;
const dwarf: Dwarf = Dwarf.load(() => undefined, { order: elf.header.order });
const image: GoImage = goImage(elf);
const pc: bigint | undefined = openGoSymbols(image)?.table.lookup(0n)?.line !== undefined ? 1n : undefined;
const tree: SizeNode = new SizeModel(elf).tree(['sections']);
declare const bt: Backtrace;
const stopKind: string = bt.stop.kind;
const unwound: typeof unwind = unwind;
const core = (bytes: Uint8Array) => CoreProcess.open(bytes).threads.length;
const opened: Promise<ContainerImage> = ContainerImage.open({ archive: { size: 0, read: async () => new Uint8Array(0) }, name: 'x' }, { host: nodeImageHost() });
declare const scan: ScanResult;
const status: Promise<number> = main(['info', 'x']);
const e = new ParseError('truncated', 'why', 'x', 0);
console.log(count, value, wrong, dwarf, pc, tree, stopKind, unwound, core, opened, scan, status, e, readFileSync);
