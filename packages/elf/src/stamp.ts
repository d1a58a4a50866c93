/**
 * Finding elfkit build stamps (`elfkit stamp`) in any placement: an FDO
 * package-metadata note, a raw JSON section, or a note reached only
 * through PT_NOTE. Used by the CLI's `stamp show` and by image scans.
 */
import { decodeUtf8, readRange } from '@elfkit/binary';
import * as C from './constants.js';
import { parseNotes } from './notes.js';
import type { ElfImage } from './rewrite/image.js';

/** Where a stamp was found. */
export interface StampPlacement {
  /** `note`: an FDO note in an SHT_NOTE section; `section`: raw JSON in a section; `segment`: a note found only through PT_NOTE. */
  kind: 'note' | 'section' | 'segment';
  /** Section name; null for `segment`. */
  section: string | null;
  /** Whether the stamp is part of the memory image (SHF_ALLOC, inside PT_LOAD). */
  loadable: boolean;
  /** File offset of the JSON text. */
  offset: number;
  /** The section holds nothing but the stamp (so replacing it loses nothing). */
  alone: boolean;
}

/** The `type` that marks an elfkit stamp (also the FDO package-metadata `type` field). */
export const STAMP_TYPE = 'elfkit-stamp';

/** What every stamp document has; the rest is in docs/json-stamp.md (`git`, `build`, `ci`, `binary`, `extra`). */
export interface StampRecord {
  readonly type: typeof STAMP_TYPE;
  readonly schemaVersion: number;
  readonly [key: string]: unknown;
}

/** True when `v` is an elfkit stamp document (any schema version). */
export function isStamp(v: unknown): v is StampRecord {
  return typeof v === 'object' && v !== null && (v as { type?: unknown }).type === STAMP_TYPE && typeof (v as { schemaVersion?: unknown }).schemaVersion === 'number';
}

/** A stamp read from a file. */
export interface FoundStamp<S extends StampRecord = StampRecord> {
  placement: StampPlacement;
  stamp: S;
  /** The JSON exactly as stored. */
  text: string;
}

const RAW_LIMIT = 1 << 20;

function json(bytes: Uint8Array): { text: string; value: unknown } | undefined {
  let end = bytes.indexOf(0);
  if (end < 0) end = bytes.length;
  const text = decodeUtf8(bytes, 0, end);
  try {
    return { text, value: JSON.parse(text) };
  } catch {
    return undefined;
  }
}

/**
 * Every elfkit stamp in `image`, from any placement: FDO package-metadata
 * notes (`type: elfkit-stamp`) in note sections, raw JSON sections, and —
 * for files without section headers — notes reached through PT_NOTE.
 */
export function findStamps<S extends StampRecord = StampRecord>(image: ElfImage): FoundStamp<S>[] {
  const out: FoundStamp<S>[] = [];
  const { source, header } = image;
  for (const s of image.sections) {
    if (s.index === 0 || s.type === C.SHT_NOBITS || s.size === 0 || s.size > RAW_LIMIT || s.offset + s.size > source.size) continue;
    const loadable = (s.flags & C.SHF_ALLOC) !== 0;
    if (s.type === C.SHT_NOTE) {
      let notes;
      try {
        notes = parseNotes(readRange(source, s.offset, s.size, s.name), header.order, s.addralign, { section: s.name, fileOffset: s.offset });
      } catch {
        continue;
      }
      for (const n of notes) {
        if (n.owner !== 'FDO' || n.type !== C.NT_FDO_PACKAGING_METADATA) continue;
        const j = json(n.desc);
        if (j && isStamp(j.value)) out.push({ placement: { kind: 'note', section: s.name, loadable, offset: n.fileOffset, alone: notes.length === 1 }, stamp: j.value as S, text: j.text });
      }
    } else if (!loadable && source.read(s.offset, 1)[0] === 0x7b) {
      const j = json(readRange(source, s.offset, s.size, s.name));
      if (j && isStamp(j.value)) out.push({ placement: { kind: 'section', section: s.name, loadable: false, offset: s.offset, alone: true }, stamp: j.value as S, text: j.text });
    }
  }
  if (image.sections.length === 0) {
    for (const p of image.segments) {
      if (p.type !== C.PT_NOTE || p.filesz === 0 || p.filesz > RAW_LIMIT) continue;
      try {
        for (const n of parseNotes(readRange(source, p.offset, p.filesz, `PT_NOTE ${p.index}`), header.order, p.align, { segment: p.index, fileOffset: p.offset })) {
          if (n.owner !== 'FDO' || n.type !== C.NT_FDO_PACKAGING_METADATA) continue;
          const j = json(n.desc);
          if (j && isStamp(j.value)) out.push({ placement: { kind: 'segment', section: null, loadable: true, offset: n.fileOffset, alone: false }, stamp: j.value as S, text: j.text });
        }
      } catch {
        // Not notes after all.
      }
    }
  }
  return out;
}
