import { RangeList } from './range-list.js';
import { RangeMap } from './range-map.js';

/** The file and VM maps of the base (segments and headers) that translate between the two spaces. */
export interface Translator {
  readonly vm: RangeMap;
  readonly file: RangeMap;
}

/** One data source's labels over both address spaces, as built. */
export interface LabelMaps {
  /** Label names; maps hold indexes into this. */
  readonly labels: readonly string[];
  readonly vm: RangeMap;
  readonly file: RangeMap;
}

/**
 * Builds a data source's two maps (bloaty's RangeSink over a DualMap). Ranges
 * are added in priority order: where ranges overlap, the first added wins,
 * so the most specific sources are added first and the catch-alls last.
 *
 * Calls between two {@link commit}s form one layer; lookups by address
 * ({@link addFileRangeFor}, {@link addVMRangeFor}) see the maps as of the
 * last commit. With a translator, a VM range is also charged to the file
 * bytes behind it and a file range to the addresses it is loaded at.
 */
export class MapBuilder implements LabelMaps {
  readonly labels: string[] = [];
  vm = RangeMap.empty();
  file = RangeMap.empty();
  private readonly ids = new Map<string, number>();
  private pendingVm: RangeList;
  private pendingFile: RangeList;

  /** `translator`: the base maps; `dual`: record each range's counterpart (the base map itself). */
  constructor(
    private readonly translator?: Translator,
    private readonly dual = false,
  ) {
    this.pendingVm = new RangeList(16, dual);
    this.pendingFile = new RangeList(16, dual);
  }

  /** The index of `label`, added if new. */
  id(label: string): number {
    let i = this.ids.get(label);
    if (i === undefined) {
      i = this.labels.length;
      this.labels.push(label);
      this.ids.set(label, i);
    }
    return i;
  }

  /**
   * A section or segment: `[vmaddr, vmaddr+vmsize)` and `[fileoff,
   * fileoff+filesize)` both get `label`, each in its own space.
   */
  addRange(label: string, vmaddr: number, vmsize: number, fileoff: number, filesize: number): void {
    const id = this.id(label);
    if (this.dual) {
      const common = Math.min(vmsize, filesize);
      this.pendingVm.push(vmaddr, vmaddr + common, id, fileoff);
      this.pendingVm.push(vmaddr + common, vmaddr + vmsize, id);
      this.pendingFile.push(fileoff, fileoff + common, id, vmaddr);
      this.pendingFile.push(fileoff + common, fileoff + filesize, id);
    } else {
      this.pendingVm.push(vmaddr, vmaddr + vmsize, id);
      this.pendingFile.push(fileoff, fileoff + filesize, id);
    }
  }

  /** Addresses `[vmaddr, vmaddr+size)` and the file bytes they are loaded from. */
  addVMRange(label: string | number, vmaddr: number, size: number): void {
    const id = typeof label === 'number' ? label : this.id(label);
    if (!(size > 0)) return;
    this.pendingVm.push(vmaddr, vmaddr + size, id);
    this.translator?.vm.translateInto(vmaddr, vmaddr + size, this.pendingFile, id);
  }

  /** File bytes `[fileoff, fileoff+size)` and the addresses they are loaded at. */
  addFileRange(label: string | number, fileoff: number, size: number): void {
    const id = typeof label === 'number' ? label : this.id(label);
    if (!(size > 0)) return;
    this.pendingFile.push(fileoff, fileoff + size, id);
    this.translator?.file.translateInto(fileoff, fileoff + size, this.pendingVm, id);
  }

  /** File bytes charged to whatever label address `at` has (as of the last commit); nothing when it has none. */
  addFileRangeFor(at: number, fileoff: number, size: number): void {
    const id = this.vm.labelAt(at);
    if (id >= 0) this.addFileRange(id, fileoff, size);
  }

  /** Addresses charged to whatever label address `at` has (as of the last commit). */
  addVMRangeFor(at: number, vmaddr: number, size: number): void {
    const id = this.vm.labelAt(at);
    if (id >= 0) this.addVMRange(id, vmaddr, size);
  }

  /**
   * Runs `add` and commits what it adds as a layer of its own, ahead of
   * the ranges pending now (which stay pending for the next commit): what
   * adding them first would give, for a source that can name its most
   * trusted ranges only after it has added the others.
   */
  commitAhead(add: () => void): void {
    const vm = this.pendingVm;
    const file = this.pendingFile;
    this.pendingVm = new RangeList(16, this.dual);
    this.pendingFile = new RangeList(16, this.dual);
    try {
      add();
      this.commit();
    } finally {
      this.pendingVm = vm;
      this.pendingFile = file;
    }
  }

  /** Ends a layer: its ranges fill what earlier layers left uncovered. */
  commit(): void {
    this.vm = this.vm.fill(this.pendingVm);
    this.file = this.file.fill(this.pendingFile);
    this.pendingVm.clear();
    this.pendingFile.clear();
  }
}
