import { ParseError } from '@elfkit/binary';
import * as C from './constants.js';
import { dwoCandidates, dwpCandidates, type DebugFileHost } from './debug-files.js';
import { Dwarf } from './dwarf.js';
import type { Unit } from './unit.js';

/** How a skeleton unit's split unit was found. */
export interface SplitLookup {
  /** The split unit, linked to its skeleton (addresses resolve through the skeleton's `.debug_addr`). */
  readonly unit: Unit;
  /** The file it came from. */
  readonly path: string;
  /** `dwo` or `dwp`. */
  readonly via: 'dwo' | 'dwp';
}

/**
 * Finds the split units of skeleton units (DWARF 5 `DW_UT_skeleton`, or a
 * GNU DWARF 4 compile unit with `DW_AT_GNU_dwo_name`): first the `.dwo`
 * named by the skeleton (under its comp_dir, then beside the binary), then
 * the package `<binary>.dwp`. Files are opened through the host, once, and
 * every result (a miss too) is kept per skeleton.
 */
export class SplitResolver {
  private readonly files = new Map<string, Dwarf | null>();
  private readonly results = new Map<Unit, SplitLookup | null>();

  /**
   * `dwp` names the package to use instead of `<binary>.dwp` (as
   * llvm-symbolizer's `--dwp`).
   */
  constructor(
    private readonly host: DebugFileHost,
    private readonly binaryPath: string | undefined,
    private readonly dwp?: string,
  ) {}

  /** True when `unit` is a skeleton that names a split unit. */
  static isSkeleton(unit: Unit): boolean {
    if (unit.isSplit) return false;
    if (unit.unitType === C.DW_UT_skeleton) return true;
    try {
      const r = unit.root();
      return r.dwoName !== undefined && r.dwoId !== undefined;
    } catch {
      return false;
    }
  }

  /** The split unit of `skeleton`, or undefined when no file has it. */
  splitUnit(skeleton: Unit): SplitLookup | undefined {
    const known = this.results.get(skeleton);
    if (known !== undefined) return known ?? undefined;
    const found = this.find(skeleton);
    this.results.set(skeleton, found ?? null);
    return found;
  }

  private find(skeleton: Unit): SplitLookup | undefined {
    const root = skeleton.root();
    const id = root.dwoId;
    if (id === undefined) return undefined;
    if (root.dwoName) {
      for (const p of dwoCandidates(root.dwoName, root.compDir, this.binaryPath)) {
        const d = this.openFile(p);
        const u = d && this.unitIn(d, id);
        if (u) return this.link(u, skeleton, p, 'dwo');
      }
    }
    const packages = this.dwp ? [this.dwp] : this.binaryPath ? dwpCandidates(this.binaryPath) : [];
    {
      for (const p of packages) {
        const d = this.openFile(p);
        const u = d && this.unitIn(d, id);
        if (u) return this.link(u, skeleton, p, 'dwp');
      }
    }
    return undefined;
  }

  private unitIn(d: Dwarf, id: bigint): Unit | undefined {
    try {
      return d.splitUnitById(id);
    } catch (e) {
      if (e instanceof ParseError) return undefined;
      throw e;
    }
  }

  private link(u: Unit, skeleton: Unit, path: string, via: 'dwo' | 'dwp'): SplitLookup {
    u.skeleton = skeleton;
    return { unit: u, path, via };
  }

  private openFile(path: string): Dwarf | undefined {
    let d = this.files.get(path);
    if (d === undefined) {
      const f = this.host.open(path);
      d = f ? Dwarf.load(f.load, { order: f.order, dwo: true }) : null;
      this.files.set(path, d);
    }
    return d ?? undefined;
  }
}
