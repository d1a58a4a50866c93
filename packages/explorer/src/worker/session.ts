import { isParseError } from '@elfkit/binary';
import { constants as C, ElfFile, fileTypeName, machineName, machineShortName, summarizeElf, type ElfSummary } from '@elfkit/elf';
import type { Dwarf } from '@elfkit/dwarf';
import type { GoSymbols } from '@elfkit/gosym';
import type { AddressAnswer, DebugFileInput, DieAttribute, DieChildren, Details, Fact, FileInput, Overview, Progress, SizeChoice, TableInfo, TableQuery, TableWindow, Treemap } from '../protocol.js';
import { AddressBox } from './address-box.js';
import { SizeViews } from './size-views.js';
import { BlockSource, blobReader, urlReader } from './byte-source.js';
import { dynamicTable, noteTable, sectionTable, segmentTable, symbolTable } from './elf-tables.js';
import { dieAttributes, dieChildren, hasDwarf, lineTable, openDwarf, typeUnitVersions, unitTable, unitVersions } from './dwarf-views.js';
import { fileLayout, memoryLayout } from './layout.js';
import { TableRegistry, type TableSource } from './table.js';
import { bytes, hex, messageOf } from './format.js';
import { goFacts } from './go-facts.js';

/** Sends progress to the page, at most every 100 ms per phase. */
export type ProgressSink = (p: Progress) => void;

/**
 * One opened file and everything the page has asked of it. Work is done
 * when a view first asks, and kept: the section headers for the overview,
 * the DWARF when the units view opens, a line table when a unit's is shown.
 */
export class Session {
  private elf?: ElfFile;
  private source?: BlockSource;
  private name = '';
  private dwarf?: Dwarf;
  private summary?: ElfSummary;
  /** The Go symbols once the details are read (null: not Go), for the size model. */
  private goSymbols?: GoSymbols | null;
  private size?: SizeViews;
  /** Files opened with the binary, for the symbolizer (separate debug file, .dwo, .dwp). */
  private debugFiles: DebugFileInput[] = [];
  private addressBox?: AddressBox;
  private readonly tables = new TableRegistry();
  private lastProgress = 0;

  constructor(private readonly sink: ProgressSink) {}

  private progress(phase: string, done: number, total: number): void {
    const now = Date.now();
    if (done < total && now - this.lastProgress < 100) return;
    this.lastProgress = now;
    this.sink({ phase, done, total });
  }

  private get file(): ElfFile {
    if (!this.elf) throw new Error('no file is open');
    return this.elf;
  }

  open(input: FileInput): Overview {
    const t0 = performance.now();
    this.tables.clear();
    this.dwarf = undefined;
    this.goSymbols = undefined;
    this.size = undefined;
    this.addressBox = undefined;
    this.name = input.name;
    this.debugFiles = input.kind === 'blob' ? (input.debugFiles ?? []) : [];
    this.sink({ phase: 'reading the headers', done: 0, total: 1 });
    if (input.kind === 'blob') this.source = new BlockSource(input.blob.size, blobReader(input.blob));
    else {
      const u = urlReader(input.url);
      this.source = new BlockSource(u.size, u.read);
    }
    const size = this.source.size;
    if (size === 0) throw new Error(`${input.name} is empty (0 bytes): not an ELF file`);
    try {
      this.elf = ElfFile.parse(this.source);
    } catch (e) {
      if (isParseError(e)) throw new Error(`${input.name}: ${e.message}`);
      throw e;
    }
    const elf = this.elf;
    const warnings: string[] = [];
    const attempt = <T>(what: string, f: () => T): T | undefined => {
      try {
        return f();
      } catch (e) {
        // One damaged table fails every view that needs it: say so once.
        const m = messageOf(e);
        if (!warnings.some((w) => w.endsWith(m))) warnings.push(`${what}: ${m}`);
        return undefined;
      }
    };
    const summary = attempt('header facts', () => summarizeElf(elf));
    this.summary = summary;
    const facts = summaryFacts(input.name, size, elf, summary);
    if (this.debugFiles.length) facts.push(['Debug files', this.debugFiles.map((f) => f.name).join(', ')]);
    const tables: TableInfo[] = [];
    const add = (what: string, f: () => TableSource) => {
      const t = attempt(what, f);
      if (t) tables.push(this.tables.add(t));
    };
    add('section headers', () => sectionTable(elf));
    add('program headers', () => segmentTable(elf));
    const symtabs = attempt('symbol tables', () => elf.symbolTables()) ?? [];
    const symtab = symtabs.find((s) => s.type === C.SHT_SYMTAB);
    const dynsym = symtabs.find((s) => s.type === C.SHT_DYNSYM);
    if (symtab) add('.symtab', () => symbolTable(elf, symtab, 'symbols'));
    if (dynsym) add('.dynsym', () => symbolTable(elf, dynsym, 'dynsym'));
    add('notes', () => noteTable(elf));
    add('dynamic section', () => dynamicTable(elf));
    const layout = [attempt('file layout', () => fileLayout(elf)), attempt('address layout', () => memoryLayout(elf))].filter((x) => x !== undefined);
    for (const w of elf.warnings) warnings.push(w.message);
    const go = attempt('Go', () => elf.section('.gopclntab') !== undefined || elf.section('.go.buildinfo') !== undefined || elf.goBuildId() !== undefined || elf.sections.length === 0) ?? false;
    this.sink({ phase: 'reading the headers', done: 1, total: 1 });
    return {
      name: input.name,
      size,
      facts,
      warnings,
      tables,
      layout,
      hasDwarf: attempt('DWARF', () => hasDwarf(elf)) ?? false,
      hasGo: go,
      parseMs: performance.now() - t0,
      bytesRead: this.bytesRead(),
    };
  }

  details(): Details {
    const elf = this.file;
    const facts: Fact[] = [];
    const warnings: string[] = [];
    let units: TableInfo | null = null;
    if (hasDwarf(elf)) {
      try {
        this.dwarf = openDwarf(elf);
        this.progress('reading DWARF units', 0, 1);
        const u = unitTable(this.dwarf, (done, total) => this.progress('reading DWARF units', done, total));
        units = this.tables.add(u.table);
        const versions = unitVersions([...u.units, ...typeUnitVersions(this.dwarf)]);
        facts.push(['DWARF', dwarfFact(this.summary, versions)], ['DWARF units', String(u.units.length)]);
      } catch (e) {
        warnings.push(`DWARF: ${messageOf(e)}`);
      }
    }
    let g: ReturnType<typeof goFacts>;
    try {
      g = goFacts(elf, this.name, (what) => this.progress(what, 0, 1));
    } catch (e) {
      warnings.push(`Go: ${messageOf(e)}`);
    }
    this.goSymbols = g ? (g.symbols ?? null) : null;
    if (g) {
      warnings.push(...g.summary.errors);
      if (g.summary.facts.length) facts.push(['Go', g.summary.facts.find((f) => f[0] === 'Go version')?.[1] ?? g.summary.facts[0]![1]]);
    }
    const goTables = g ? g.tables.map((t) => this.tables.add(t)) : [];
    this.progress('done', 1, 1);
    return { facts, warnings, units, go: g?.summary ?? null, goTables, bytesRead: this.bytesRead() };
  }

  table(q: TableQuery): TableWindow {
    return this.tables.query(q);
  }

  private requireDwarf(): Dwarf {
    if (!this.dwarf) throw new Error('this file has no DWARF');
    return this.dwarf;
  }

  dieChildren(p: { unit: number; die: number; from: number; count: number }): DieChildren {
    return dieChildren(this.requireDwarf(), p.unit, p.die, p.from, p.count);
  }

  dieAttributes(p: { die: number }): DieAttribute[] {
    return dieAttributes(this.requireDwarf(), p.die);
  }

  lineTable(p: { unit: number }): TableInfo {
    return this.tables.add(lineTable(this.requireDwarf(), p.unit));
  }

  private sizeViews(): SizeViews {
    return (this.size ??= new SizeViews(this.file, () => this.goSymbols, (what) => this.progress(what, 0, 1)));
  }

  sizeChoices(): SizeChoice[] {
    return this.sizeViews().choices();
  }

  treemap(p: { id: string; domain: 'file' | 'vm'; maxRows: number }): Treemap {
    const t = this.sizeViews().treemap(p.id, p.domain, p.maxRows);
    this.progress('done', 1, 1);
    return t;
  }

  /** The address box: frames with inlined calls for each address in `text`. */
  symbolize(p: { text: string }): Promise<AddressAnswer[]> {
    this.addressBox ??= new AddressBox(this.file, this.name, this.debugFiles);
    return this.addressBox.lookup(p.text);
  }

  /** Bytes read from the file so far (tests check large files are not read whole). */
  bytesRead(): number {
    return this.source?.bytesRead ?? 0;
  }
}

function summaryFacts(name: string, size: number, elf: ElfFile, s: ElfSummary | undefined): Fact[] {
  const facts: Fact[] = [
    ['File', name],
    ['Size', `${size} bytes (${bytes(size)})`],
  ];
  if (!s) {
    // What the file header alone says, when the rest could not be read.
    const h = elf.header;
    facts.push(['Class', `ELF${h.bits}, ${h.order} endian`], ['Machine', `${machineName(h.machine)} (${machineShortName(h.machine)})`], ['Type', fileTypeName(h.type)], ['Entry', hex(h.entry)]);
    return facts;
  }
  facts.push(
    ['Class', `${s.class}, ${s.data}`],
    ['Machine', `${s.machine} (${s.arch})`],
    ['Type', s.type],
    ['OS/ABI', s.osabi],
    ['Entry', hex(s.entry)],
  );
  if (s.interpreter) facts.push(['Interpreter', s.interpreter]);
  facts.push(['Build ID', s.buildId ?? '(none)'], ['Sections', String(s.sections)], ['Segments', String(s.segments)], ['Symbol table', s.stripped ? 'none (stripped)' : 'yes'], ['DWARF', dwarfFact(s, [])]);
  return facts;
}

/** The DWARF line of `elfkit info`: present, versions, compression, or where a separate file would be. */
function dwarfFact(s: ElfSummary | undefined, versions: number[]): string {
  if (!s) return versions.length ? `yes, version ${versions.join(', ')}` : 'yes';
  const d = s.debug;
  // A .dwo or .dwp has units in .debug_info.dwo, which the ELF summary does not count as DWARF.
  if (!d.present && versions.length) return `split DWARF (.debug_info.dwo), version ${versions.join(', ')}`;
  let text = d.present ? `yes${versions.length ? `, version ${versions.join(', ')}` : ''}${d.compression.length ? `, compressed (${d.compression.join(', ')})` : ''}` : 'no';
  if (!d.present && d.separate.debuglink) text += `, separate file ${d.separate.debuglink} (.gnu_debuglink)`;
  return text;
}
