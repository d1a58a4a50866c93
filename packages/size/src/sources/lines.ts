import { isParseError, type ParseError } from '@elfkit/binary';
import type { LineProgram } from '@elfkit/dwarf';
import type { DwarfInput } from '../dwarf-input.js';
import type { ElfContext } from '../elf-context.js';
import type { GoLayout } from '../go-layout.js';
import type { MapBuilder } from '../map-builder.js';

/**
 * Code by source position from the DWARF line tables, as bloaty's
 * `inlines` reads them: consecutive rows with the same `file:line` (or,
 * with `withLine` false, the same file) become one address range, a
 * sequence ending at its end_sequence row. Rows at address 0 or past 2^53
 * (discarded code) start nothing.
 */
export function addDwarfLines(b: MapBuilder, ctx: ElfContext, input: DwarfInput, withLine: boolean, errors: ParseError[]): void {
  for (const { program } of input.dwarf.linePrograms((e) => errors.push(e))) {
    try {
      addProgram(b, ctx, program, withLine);
    } catch (e) {
      if (!isParseError(e)) throw e;
      errors.push(e);
    }
  }
}

function addProgram(b: MapBuilder, ctx: ElfContext, program: LineProgram, withLine: boolean): void {
  // Label ids by file index (and line), so a million rows build a few thousand strings.
  const ids = new Map<number, number>();
  const labelOf = (file: number, line: number): number => {
    const key = withLine ? file * 0x1_0000_0000 + (line >>> 0) : file;
    let id = ids.get(key);
    if (id === undefined) {
      const path = program.filePath(file) ?? '[unknown file]';
      id = b.id(withLine ? `${path}:${line}` : path);
      ids.set(key, id);
    }
    return id;
  };
  const bias = ctx.bias === 0n ? 0 : Number(ctx.bias);
  const c = program.cursor();
  let spanStart = -1;
  let last = -1;
  while (c.next()) {
    const addr = c.address - bias;
    const id = c.endSequence ? last : labelOf(c.file, c.line);
    if (c.address <= 0) {
      spanStart = -1;
    } else if (spanStart < 0) {
      spanStart = addr;
    } else if (c.endSequence || id !== last) {
      if (last >= 0) b.addVMRange(last, spanStart, addr - spanStart);
      spanStart = c.endSequence ? -1 : addr;
    }
    last = c.endSequence ? -1 : id;
  }
}

/**
 * Go code by source position from the pclntab (which every Go binary has,
 * stripped or not): each function's pcfile/pcln rows, merged while the
 * file (and line) stay the same.
 */
export function addGoLines(b: MapBuilder, layout: GoLayout, ctx: ElfContext, withLine: boolean, errors: ParseError[]): void {
  const ids = new Map<string, number>();
  const labelOf = (file: string, line: number): number => {
    const key = withLine ? `${file}:${line}` : file;
    let id = ids.get(key);
    if (id === undefined) ids.set(key, (id = b.id(key || '[unknown file]')));
    return id;
  };
  const bias = ctx.bias === 0n ? 0 : Number(ctx.bias);
  let spanStart = -1;
  let last = -1;
  layout.symbols.table.walkLines(
    (pc, file, line, end) => {
      const addr = pc - bias;
      if (end) {
        if (spanStart >= 0 && last >= 0) b.addVMRange(last, spanStart, addr - spanStart);
        spanStart = -1;
        last = -1;
        return;
      }
      const id = labelOf(file, withLine ? line : 0);
      if (id === last) return;
      if (spanStart >= 0 && last >= 0) b.addVMRange(last, spanStart, addr - spanStart);
      spanStart = addr;
      last = id;
    },
    { errors },
  );
}
