import type { PcLnTable } from '@elfkit/gosym';
import type { Damage } from '../damage.js';

/** One frame at a PC, for `elfkit go frames` (docs/json-go.md). */
export interface FrameJson {
  pc: bigint;
  function: string;
  file: string | null;
  line: number | null;
  inlined: boolean;
  entry: bigint;
  callSiteUnknown?: true;
}

/**
 * What `elfkit go frames` says about one PC: its frames, innermost first;
 * or, where the parts of the pclntab they come from are damaged (the
 * function's record, its inline tree, pcdata or funcdata, its file or line
 * tables), `frames: null`, the function that holds the PC and its entry as
 * far as the function table reads (null where it does not), and the damage.
 */
export type PcFrames =
  | { pc: bigint; frames: FrameJson[] }
  | { pc: bigint; frames: null; function: string | null; entry: bigint | null; damage: string };

/** {@link PcFrames} of `pc` in `t`; the damage met is recorded in `damage` (once per damaged part). */
export function framesAt(t: PcLnTable, pc: bigint, damage: Damage): PcFrames {
  try {
    return {
      pc,
      frames: t.frames(pc).map((f) => ({
        pc: f.pc,
        function: f.function,
        file: f.file ?? null,
        line: f.line ?? null,
        inlined: f.inlined,
        entry: f.func.entry,
        ...(f.callSiteUnknown ? { callSiteUnknown: true as const } : {}),
      })),
    };
  } catch (e) {
    damage.add(e);
    // The function table may still say whose code this is: its entry comes from the table, its name from the record.
    const f = damage.attempt(() => t.funcAt(pc), undefined);
    return {
      pc,
      frames: null,
      function: f ? damage.attempt<string | null>(() => f.name, null) : null,
      entry: f ? damage.attempt<bigint | null>(() => f.entry, null) : null,
      damage: (e as Error).message,
    };
  }
}

/** The text form of `go frames` for one PC: its address, then a line per frame (or the function and what is damaged). */
export function framesText(r: PcFrames): string {
  let out = `0x${r.pc.toString(16)}\n`;
  if (r.frames === null) return out + `  ${r.function ?? '??'} (frames cannot be read: ${r.damage})\n`;
  if (r.frames.length === 0) out += '  ?? (no Go function)\n';
  for (const f of r.frames) out += `  ${f.function} ${f.file ?? '?'}:${f.line ?? 0}${f.inlined ? ' (inlined)' : ''}${f.callSiteUnknown ? ' (call site not recorded)' : ''}\n`;
  return out;
}
