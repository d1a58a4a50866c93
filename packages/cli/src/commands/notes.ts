import { decodeCoreNote, noteTypeName, type ElfFile, type Note, type NoteContent } from '@elfkit/elf';
import * as E from '@elfkit/elf/constants';
import { coreNoteTypeName, coreNotesText } from '../format/core-notes-text.js';
import { defineCommand } from '../command.js';
import type { Damage } from '../damage.js';
import { fileAndJson, withElf } from '../with-elf.js';
import { toJson } from '../format/json.js';
import { writeOut } from '../io/output.js';

/** The human description of a decoded note, as readelf words it (`Build ID: …`). */
export function noteContentText(c: NoteContent): string[] {
  switch (c.kind) {
    case 'gnu-build-id':
      return [`Build ID: ${c.buildId}`];
    case 'gnu-abi-tag':
      return [`OS: ${c.os}, ABI: ${c.abi}`];
    case 'gnu-properties':
      return c.properties.map((p, i) => (i === 0 ? `Properties: ${p.text}` : p.text));
    case 'gnu-gold-version':
      return [`Version: ${c.version}`];
    case 'go-build-id':
      return [`Go build ID: ${c.buildId}`];
    case 'package':
      return [`Packaging Metadata: ${c.text}`];
    default:
      return [];
  }
}

/** A note's decoded descriptor; one that does not decode is reported and shown undecoded. */
function decoded(elf: ElfFile, n: Note, damage: Damage): NoteContent {
  return damage.attempt(() => elf.decodeNote(n), { kind: 'unknown' } as NoteContent);
}

function noteJson(elf: ElfFile, n: Note, damage: Damage) {
  if (elf.header.type === E.ET_CORE) {
    const c = damage.attempt(() => decodeCoreNote(n, elf.header.order, elf.bits, elf.header.machine), { kind: 'unknown' } as ReturnType<typeof decodeCoreNote>);
    const decoded = c.kind === 'unknown' ? null : c.kind === 'prstatus' ? { ...c, registerBytes: undefined, registers: c.registers ? Object.fromEntries(c.registers.entries()) : null } : c;
    return { section: n.section ?? null, segment: n.segment ?? null, offset: n.fileOffset, owner: n.owner, type: n.type, typeName: coreNoteTypeName(n.type), size: n.desc.length, desc: n.desc, decoded };
  }
  const content = decoded(elf, n, damage);
  return {
    section: n.section ?? null,
    segment: n.segment ?? null,
    offset: n.fileOffset,
    owner: n.owner,
    type: n.type,
    typeName: noteTypeName(n, elf.header.type),
    size: n.desc.length,
    desc: n.desc,
    decoded: content.kind === 'unknown' ? null : content.kind === 'gnu-properties' ? { kind: content.kind, properties: content.properties.map((p) => ({ type: p.type, text: p.text, data: p.data })) } : content,
  };
}

export const notesCommand = defineCommand({
  command: 'notes <file>',
  describe: 'list ELF notes: build ids, ABI tag, GNU properties, Go build id, package metadata (like readelf -n -W); a core file\'s process and thread notes (like eu-readelf -n)',
  builder: (y) => fileAndJson(y, '$0 notes ./app --json'),
  handler: (a: { file: string; json: boolean }) =>
    withElf(a.file, ({ elf, damage }) => {
      // A damaged note section is reported; the notes before the damage and in the other sections print.
      const notes = elf.notes(damage.add);
      if (a.json) return writeOut(toJson({ file: a.file, notes: notes.map((n) => noteJson(elf, n, damage)) }) + '\n');
      // A core's notes are process state: printed as eu-readelf -n does (readelf 2.40 cannot decode them).
      if (elf.header.type === E.ET_CORE) return writeOut(coreNotesText(elf, damage));
      if (notes.length === 0) return writeOut('No notes in this file.\n');
      const out: string[] = [];
      let group = '';
      for (const n of notes) {
        const g = n.section !== undefined ? `Notes in ${n.section}:` : `Notes in segment ${n.segment}:`;
        if (g !== group) {
          if (group) out.push('');
          out.push(g, `  ${'Owner'.padEnd(20)} ${'Data size'.padEnd(10)} Description`);
          group = g;
        }
        out.push(`  ${n.owner.padEnd(20)} 0x${n.desc.length.toString(16).padStart(8, '0')} ${noteTypeName(n, elf.header.type)}`);
        for (const line of noteContentText(decoded(elf, n, damage))) out.push(`    ${line}`);
      }
      writeOut(out.join('\n') + '\n');
    }),
});
