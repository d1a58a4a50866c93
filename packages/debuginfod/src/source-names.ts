import { isParseError } from '@elfkit/binary';
import { Dwarf, isAbsolutePath } from '@elfkit/dwarf';
import type { ElfFile } from '@elfkit/elf';
import * as C from '@elfkit/elf/constants';
import { canonicalPath, isUnder } from './source-path.js';

/** Most source names kept per debug file (a hostile file cannot make the index unbounded). */
export const MAX_SOURCES = 200_000;

/**
 * The source files a debug file's DWARF names, by canonical absolute path:
 * every line table's file names, joined to their include directory and the
 * compilation directory as DWARF says. Each maps to its path relative to
 * that compilation directory, when it lies under it — how the server finds
 * the file inside a served tree that holds the build's source tree.
 * Names that stay relative (no comp_dir) are dropped: the protocol asks by
 * absolute path. A damaged line table ends its own list, not the file's.
 */
export function sourceNames(elf: ElfFile): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  const load = (name: string) => {
    const s = elf.debugSection(name);
    if (!s || s.type === C.SHT_NOBITS) return undefined;
    return elf.sectionData(s);
  };
  let dwarf: Dwarf;
  try {
    dwarf = Dwarf.load(load, { order: elf.header.order });
  } catch (e) {
    if (isParseError(e)) return out;
    throw e;
  }
  const ignore = () => {};
  try {
    for (const { program } of dwarf.linePrograms(ignore)) {
      let compDir: string | undefined;
      try {
        compDir = program.compilationDirectory();
      } catch (e) {
        if (!isParseError(e)) throw e;
      }
      const comp = compDir && isAbsolutePath(compDir) ? canonicalPath(compDir) : undefined;
      const n = program.fileCount;
      // DWARF 5 numbers files from 0, earlier versions from 1; filePath answers undefined outside.
      for (let i = 0; i <= n; i++) {
        let p: string | undefined;
        try {
          p = program.filePath(i);
        } catch (e) {
          if (!isParseError(e)) throw e;
          break;
        }
        if (!p || !p.startsWith('/')) continue;
        const abs = canonicalPath(p);
        if (out.has(abs)) continue;
        out.set(abs, comp && comp !== '/' && isUnder(abs, comp) && abs !== comp ? abs.slice(comp.length + 1) : undefined);
        if (out.size >= MAX_SOURCES) return out;
      }
    }
  } catch (e) {
    if (!isParseError(e)) throw e;
  }
  return out;
}
