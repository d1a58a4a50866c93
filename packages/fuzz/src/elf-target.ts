import { ElfFile, type Section, type StructCodec } from '@elfkit/elf';
import { FieldList } from './fields.js';
import { fixtureFile } from './sources.js';
import { defineTarget, type FuzzTarget, type Probe } from './target.js';

/** A byte range `[start, end)` of the input. */
export type Region = readonly [number, number];

/** What an ELF target is: the tables it aims at and the reads it makes. */
export interface ElfTargetSpec {
  readonly name: string;
  readonly describe: string;
  /** Whole ELF files to start from. */
  readonly fixtures: readonly string[];
  /** Adds the fields of the tables this target reads and returns the ranges mutations favour. */
  structure(elf: ElfFile, fields: ElfFields): Region[];
  /** Reads what the target covers from the parsed (mutated) file, each part in `probe.attempt`. */
  read(elf: ElfFile, probe: Probe): unknown;
  readonly heapPerByte?: number;
  /** Errors besides ParseError that the API answers bad input with. */
  readonly typedErrors?: (e: unknown) => boolean;
}

/** A {@link FieldList} that also knows the ELF record layouts of one file. */
export class ElfFields extends FieldList {
  constructor(
    length: number,
    readonly elf: ElfFile,
  ) {
    super(length);
  }

  /** Every field of the record `codec` describes at `offset`. */
  struct(codec: StructCodec<unknown>, offset: number): this {
    for (const f of codec.fields) this.uint(offset + f.offset, f.size);
    return this;
  }

  /** The fields of `count` records of `codec` every `stride` bytes from `offset` (at most `limit` records). */
  table(codec: StructCodec<unknown>, offset: number, count: number, stride = codec.size, limit = 256): this {
    for (let i = 0; i < Math.min(count, limit); i++) this.struct(codec, offset + i * stride);
    return this;
  }

  /** The section header of `s`. */
  sectionHeader(s: Section): this {
    const h = this.elf.header;
    return this.struct(this.elf.layouts.sectionHeader, h.shoff + s.index * h.shentsize);
  }

  /** The file header. */
  fileHeader(): this {
    return this.struct(this.elf.layouts.header, 0);
  }

  /** The range of a section's bytes in the file (empty for NOBITS), at most `cap` bytes. */
  range(s: Section, cap = Infinity): Region {
    return [s.offset, s.offset + Math.min(s.size, cap)];
  }
}

/** A target over whole ELF files; mutations keep offsets and aim at the tables `structure` names. */
export function elfTarget(spec: ElfTargetSpec): FuzzTarget<null> {
  return defineTarget({
    name: spec.name,
    describe: spec.describe,
    resizable: false,
    heapPerByte: spec.heapPerByte,
    typedErrors: spec.typedErrors,
    seeds: () =>
      spec.fixtures.map((name) => {
        const bytes = fixtureFile(name);
        const elf = ElfFile.parse(bytes);
        const fields = new ElfFields(bytes.length, elf);
        const regions = spec.structure(elf, fields).filter(([a, b]) => b > a);
        return { name, bytes, order: elf.header.order, fields: fields.fields, regions, context: null };
      }),
    run: (input, _seed, probe) => {
      const elf = probe.attempt(() => ElfFile.parse(input));
      return elf ? spec.read(elf, probe) : undefined;
    },
  });
}
