import type { ByteOrder } from '@elfkit/binary';
import { Dwarf } from '@elfkit/dwarf';
import { FieldList } from './fields.js';
import { fixtureSections } from './sources.js';
import { defineTarget, type FuzzTarget, type Probe } from './target.js';

/** A DWARF target's context: the file's other sections, which stay intact. */
export interface DwarfContext {
  readonly sections: ReadonlyMap<string, Uint8Array>;
  readonly order: ByteOrder;
  /** The section the input replaces. */
  readonly section: string;
}

/** What a DWARF target is: the sections it mutates and the reads it makes. */
export interface DwarfTargetSpec {
  readonly name: string;
  readonly describe: string;
  /** The sections whose bytes are the input; one seed per fixture that has one. */
  readonly sections: readonly string[];
  readonly fixtures: readonly string[];
  /** Names the header and table fields of one section of the intact file. */
  structure?(bytes: Uint8Array, section: string, fields: FieldList, dwarf: Dwarf): void;
  /** Reads what the target covers, each part in `probe.attempt`. */
  read(dwarf: Dwarf, probe: Probe): unknown;
  readonly heapPerByte?: number;
}

/** Opens the DWARF of `sections` with `name` replaced by `bytes`. */
export function dwarfWith(ctx: DwarfContext, bytes: Uint8Array): Dwarf {
  return Dwarf.load((n) => (n === ctx.section ? bytes : ctx.sections.get(n)), { order: ctx.order });
}

/** A target whose input is one DWARF section on its own (bytes may be inserted and removed). */
export function dwarfTarget(spec: DwarfTargetSpec): FuzzTarget<DwarfContext> {
  return defineTarget({
    name: spec.name,
    describe: spec.describe,
    resizable: true,
    heapPerByte: spec.heapPerByte,
    seeds: () =>
      spec.fixtures.flatMap((fixture) => {
        const { sections, order } = fixtureSections(fixture, (n) => n.startsWith('.debug_') || n.startsWith('.zdebug_') || n === '.gnu_debugaltlink');
        return spec.sections
          .filter((s) => sections.has(s))
          .map((section) => {
            const bytes = sections.get(section)!;
            const ctx: DwarfContext = { sections, order, section };
            const fields = new FieldList(bytes.length);
            spec.structure?.(bytes, section, fields, dwarfWith(ctx, bytes));
            return { name: `${fixture} ${section}`, bytes, order, fields: fields.fields, context: ctx };
          });
      }),
    run: (input, seed, probe) => spec.read(dwarfWith(seed.context, input), probe),
  });
}
