import type { PcLnTable } from '@elfkit/gosym';
import type { Frame } from './frame.js';

/**
 * Frames from a Go pclntab: the inline tree's calls innermost first, then
 * the function holding the code, as `runtime.CallersFrames` reports them.
 * Go records no columns; the start line is the `func` line (Go 1.20+).
 */
export function goFrames(table: PcLnTable, address: bigint): Frame[] | undefined {
  const fs = table.frames(address);
  // Past the end of a function's line table is alignment padding, not the function; an outer
  // frame whose call site the inline tree does not record has no line either, but is the function.
  const outer = fs[fs.length - 1];
  if (!outer || (outer.line === undefined && !outer.callSiteUnknown)) return undefined;
  return fs.map((g, i) => {
    const outer = i === fs.length - 1;
    return {
      function: g.function,
      linkageName: g.function,
      shortName: g.function,
      file: g.file,
      line: g.line ?? 0,
      column: 0,
      discriminator: 0,
      startLine: g.startLine ?? 0,
      startAddress: outer ? g.func.entry : undefined,
      inlined: g.inlined,
    };
  });
}
