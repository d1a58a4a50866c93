import type { ElfFile } from '@elfkit/elf';
import type { GoSymbols } from '@elfkit/gosym';
import { SizeModel, sizeRows, type DataSource } from '@elfkit/size';
import type { SizeChoice, Treemap } from '../protocol.js';

/** The breakdowns the treemap offers: an outer data source and the one each of its boxes is split by. */
const CHOICES: { id: string; title: string; sources: DataSource[] }[] = [
  { id: 'sections', title: 'Sections, then symbols', sources: ['sections', 'symbols'] },
  { id: 'segments', title: 'Segments, then sections', sources: ['segments', 'sections'] },
  { id: 'symbols', title: 'Symbols', sources: ['symbols'] },
  { id: 'compileunits', title: 'Compile units, then symbols', sources: ['compileunits', 'symbols'] },
  { id: 'go-packages', title: 'Go packages, then functions', sources: ['go-packages', 'go-functions'] },
];

/**
 * The size model of one file (`@elfkit/size`, bloaty's), built in the
 * worker on first use and kept: each breakdown's maps are made once.
 */
export class SizeViews {
  private model?: SizeModel;

  constructor(
    private readonly elf: ElfFile,
    private readonly go: () => GoSymbols | null | undefined,
    private readonly stage: (what: string) => void,
  ) {}

  private get sizes(): SizeModel {
    return (this.model ??= new SizeModel(this.elf, { go: this.go(), onProgress: (s) => this.stage(s) }));
  }

  choices(): SizeChoice[] {
    return CHOICES.map((c) => {
      const reason = c.sources.map((s) => this.sizes.unavailable(s)).find((r) => r !== undefined);
      return { id: c.id, title: c.title, sources: c.sources, available: !reason, reason };
    });
  }

  /**
   * The tree for one breakdown, shaped as `elfkit size -d … -n maxRows`
   * prints it (sorted by the chosen domain, the rest of each level in
   * `[N Others]`), so the page's boxes and the CLI's rows agree.
   */
  treemap(id: string, domain: 'file' | 'vm', maxRows: number): Treemap {
    const c = CHOICES.find((x) => x.id === id);
    if (!c) throw new Error(`no breakdown ${id}`);
    const t0 = performance.now();
    const tree = this.sizes.tree(c.sources);
    const root = sizeRows(tree, { maxRows, sortBy: domain });
    return { id, sources: c.sources, domain, root, ms: performance.now() - t0, errors: this.sizes.errors.slice(0, 20).map((e) => e.message) };
  }
}
