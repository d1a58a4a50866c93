import type { SymbolizeHost } from '@elfkit/symbolize';
import type { DebugFileInput } from '../protocol.js';
import { BlockSource, blobReader } from './byte-source.js';

const SPLIT = /\.(dwo|dwp)$/i;

const basename = (p: string) => p.slice(p.lastIndexOf('/') + 1);

/**
 * The symbolizer's host in the page's worker: a page sees only the files it
 * was given, so a debug file the symbolizer looks for (`<dir>/app.debug`,
 * `<comp_dir>/main.dwo`, `app.dwp`) is the dropped file of that name, read
 * a slice at a time. Every dropped file that is not a `.dwo`/`.dwp` is also
 * offered as a separate debug file, so one named after its build id or
 * renamed still counts once its build id (or debug link CRC) matches.
 */
export function droppedFilesHost(files: readonly DebugFileInput[], demanglerWasm: () => Promise<Uint8Array>): SymbolizeHost {
  const byName = new Map(files.map((f) => [f.name, f.blob]));
  const separate = files.filter((f) => !SPLIT.test(f.name)).map((f) => f.name);
  return {
    open(path) {
      const blob = byName.get(basename(path));
      return blob && new BlockSource(blob.size, blobReader(blob));
    },
    candidates(request, defaults) {
      if (request.kind !== 'separate' && request.kind !== 'supplementary') return defaults;
      return [...defaults, ...separate.filter((n) => !defaults.includes(n))];
    },
    demanglerWasm,
  };
}

/** The one dropped `.dwp` when there is exactly one, to be used whatever its name (llvm-symbolizer's `--dwp`). */
export function droppedPackage(files: readonly DebugFileInput[]): string | undefined {
  const dwp = files.filter((f) => /\.dwp$/i.test(f.name));
  return dwp.length === 1 ? dwp[0]!.name : undefined;
}
