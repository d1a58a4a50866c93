import type { CodeSegment } from './code-map.js';
import type { ReturnScanner } from './return-scanner.js';

type Iced = typeof import('iced-x86');

/**
 * x86 returns through iced-x86 (a wasm build of the iced decoder, loaded
 * only here): a linear sweep from the function's entry to its end, every
 * near `RET` and `RET imm16` (with any prefix: `rep ret`, `bnd ret`). One
 * decoder per segment, repositioned for each function.
 */
export function x86ReturnScanner(bitness: 32 | 64): ReturnScanner {
  // iced-x86's Node build is CommonJS that reads its .wasm beside itself; it
  // stays outside the bundle and is required from node_modules. (node:module on first use: loading it loads the ES
  // module loader and source maps.)
  const { createRequire } = process.getBuiltinModule('node:module') as typeof import('node:module');
  const iced = createRequire(import.meta.url)('iced-x86') as Iced;
  const decoders = new Map<CodeSegment, InstanceType<Iced['Decoder']>>();
  const instr = new iced.Instruction();
  const RET = iced.Mnemonic.Ret;
  return {
    decoder: `iced-x86 ${bitness}-bit decoder`,
    scan(segment, at, length) {
      let d = decoders.get(segment);
      if (!d) decoders.set(segment, (d = new iced.Decoder(bitness, segment.bytes(), iced.DecoderOptions.None)));
      const end = Math.min(at + length, segment.size);
      const out: number[] = [];
      d.position = at;
      let pos = at;
      while (pos < end) {
        d.decodeOut(instr);
        if (instr.mnemonic === RET) out.push(pos);
        pos = d.position;
      }
      return out;
    },
  };
}
