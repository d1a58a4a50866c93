import type { FuzzTarget } from '../target.js';
import { cfiTargets } from './cfi.js';
import { coreTargets } from './core.js';
import { dwarfTargets } from './dwarf.js';
import { elfTargets } from './elf.js';
import { goTargets } from './go.js';
import { imageTargets } from './image.js';
import { indexCacheTarget } from './index-cache.js';
import { sizeTargets } from './size.js';
import { symbolizeTargets } from './symbolize.js';
import { typeTargets } from './types.js';

/**
 * Every fuzz target, by package. A new parser gets a target by adding it
 * to its package's list (see elfTarget, dwarfTarget, goTarget, or
 * defineTarget for an input that stands alone).
 */
export const targets: readonly FuzzTarget<any>[] = [...elfTargets, ...dwarfTargets, ...cfiTargets, ...typeTargets, ...goTargets, ...coreTargets, ...sizeTargets, ...symbolizeTargets, indexCacheTarget, ...imageTargets];

/** The target named `pattern`; else the targets whose name starts with `pattern-` or matches it as a glob (`dwarf-*`). */
export function selectTargets(patterns: readonly string[]): FuzzTarget<any>[] {
  if (patterns.length === 0) return [...targets];
  const out = new Set<FuzzTarget<any>>();
  for (const p of patterns) {
    const re = new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
    // A target's own name selects only it (`symbolize`, not also `symbolize-minidebuginfo`); a prefix selects its family.
    const exact = targets.filter((t) => t.name === p);
    const hits = exact.length ? exact : targets.filter((t) => re.test(t.name) || t.name.startsWith(p + '-'));
    if (hits.length === 0) throw new Error(`no fuzz target matches ${p} (pnpm fuzz --list shows them)`);
    for (const t of hits) out.add(t);
  }
  return [...out];
}
