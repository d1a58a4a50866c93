import { readFileSync } from 'node:fs';
import type { ByteOrder } from '@elfkit/binary';
import { ElfFile, constants as C } from '@elfkit/elf';
import { fixturePath } from '@elfkit/fixtures';

const files = new Map<string, Uint8Array>();

/** The bytes of fixture `name` (read once). */
export function fixtureFile(name: string): Uint8Array {
  let b = files.get(name);
  if (!b) {
    b = new Uint8Array(readFileSync(fixturePath(name)));
    files.set(name, b);
  }
  return b;
}

/** Fixture `name` as ELF. */
export function fixtureElf(name: string): ElfFile {
  return ElfFile.parse(fixtureFile(name));
}

/** Every section of a fixture by name, decompressed (the first of each name), and its byte order. */
export function fixtureSections(name: string, filter: (name: string) => boolean = () => true): { sections: Map<string, Uint8Array>; order: ByteOrder } {
  const elf = fixtureElf(name);
  const sections = new Map<string, Uint8Array>();
  for (const s of elf.sections) {
    if (s.type === C.SHT_NOBITS || s.type === C.SHT_NULL || sections.has(s.name) || !filter(s.name)) continue;
    // A legacy .zdebug_* name is given under its standard name, as a DWARF reader is asked for it.
    sections.set(s.name.replace(/^\.zdebug_/, '.debug_'), elf.sectionData(s));
  }
  return { sections, order: elf.header.order };
}
