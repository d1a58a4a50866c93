import { ParseError } from '@elfkit/binary';
import * as D from '@elfkit/dwarf';
import { SplitResolver, type Dwarf, type Unit } from '@elfkit/dwarf';
import { errorSink as sink, type OpenedDwarf } from '@elfkit/symbolize';
import { defineCommand } from '../command.js';
import { lateOptimization } from '../late-optimization.js';
import { CliError } from '../errors.js';
import { toJson, hx } from '../format/json.js';
import { describeDie, type DieView } from '../dwarf/describe.js';
import { writeDie, TypeNames, unitHeaderText, type InfoTextOptions } from '../dwarf/info-text.js';
import { TextOut } from '../io/text-out.js';
import { errorJson } from '../format/error-json.js';
import { allUnits, common, unitJson, withDwarf, type DwarfArgs } from '../dwarf/with-dwarf.js';

interface InfoArgs extends DwarfArgs {
  offset?: string;
  name?: string;
  'show-form'?: boolean;
  dwo?: boolean;
}

/** Writes DIEs as text or JSON, unit by unit, streaming. */
class DieWriter {
  private readonly out = new TextOut(1 << 20);
  private firstUnit = true;
  private firstDie = true;
  readonly names: TypeNames;
  constructor(
    private readonly json: boolean,
    private readonly opts: InfoTextOptions,
    dwarf: Dwarf,
  ) {
    this.names = new TypeNames(dwarf);
  }
  begin(file: string, od: OpenedDwarf): void {
    if (this.json) this.out.utf8(`{"file":${JSON.stringify(file)},"source":${toJson(od.source, false)},"units":[`);
    else this.out.utf8(`${od.dwarf.sections.name('info')} contents:\n`);
  }
  unit(u: Unit, extra: Record<string, unknown> = {}): void {
    if (this.json) {
      const head = toJson({ ...unitJson(u), ...extra }, false);
      this.out.utf8((this.firstUnit ? '\n' : ']},\n') + head.slice(0, -1) + ',"dies":[');
      this.firstDie = true;
    } else this.out.utf8(unitHeaderText(u) + '\n');
    this.firstUnit = false;
  }
  die(u: Unit, c: D.DieCursor): void {
    if (this.json) {
      const v: DieView = describeDie(u, c);
      this.out.utf8((this.firstDie ? '\n' : ',\n') + toJson(v, false));
      this.firstDie = false;
    } else writeDie(this.out, u, c, this.opts, this.names);
  }
  end(errors: ParseError[]): void {
    if (this.json) this.out.utf8(`${this.firstUnit ? '' : ']}'}\n],"errors":${toJson(errors.map(errorJson), false)}}\n`);
    this.out.flush();
  }
}

/** Dumps the DIEs of `u` from the cursor's position; a ParseError ends this unit only. */
function dumpEntries(w: DieWriter, u: Unit, c: D.DieCursor, errors: ParseError[], subtree: boolean): void {
  try {
    const base = c.depth;
    let started = false;
    while (c.nextEntry()) {
      if (subtree && started && c.depth <= base) break;
      started = true;
      w.die(u, c);
      if (subtree && c.depth === base && !c.hasChildren) break;
    }
  } catch (e) {
    sink(errors)(e);
  }
}

function parseOffset(s: string): number {
  const n = /^0x[0-9a-f]+$/i.test(s) ? parseInt(s.slice(2), 16) : /^\d+$/.test(s) ? Number(s) : NaN;
  if (!Number.isSafeInteger(n)) throw new CliError(`bad offset ${s} (want 0x… or a decimal number)`, 2);
  return n;
}

export const infoCommand = defineCommand({
  command: 'info <file>',
  describe: 'dump DIEs as llvm-dwarfdump --debug-info does (or one DIE and its subtree)',
  builder: (y) =>
    common(y, '$0 dwarf info ./app')
      .option('offset', { type: 'string', describe: 'only the DIE at this .debug_info offset (0x…) and its children' })
      .option('name', { type: 'string', describe: 'only DIEs whose DW_AT_name (or linkage name) is exactly this, with their children' })
      .option('show-form', { type: 'boolean', default: false, describe: 'print each attribute form ([DW_FORM_…])' })
      .option('dwo', { type: 'boolean', default: false, describe: 'after each skeleton unit, dump its split unit (.dwo or .dwp)' })
      .conflicts('offset', 'name')
      .example('$0 dwarf info --offset 0x2a ./app', '')
      .example('$0 dwarf info --name main --json ./app', ''),
  handler: (a: InfoArgs) =>
    withDwarf(a, (od, errors) => {
      // A small file's dump is over before TurboFan's compiles of the text writer's methods are (a few, ~1-2 ms each on
      // a background thread, waited for at exit): see lateOptimization. Only for small DWARF: a dump of a Go binary's
      // ~1 MB .debug_info (11 MB of text) took 10% longer in wall time with TurboFan starting that late.
      const restoreOptimization = dieBytes(od.dwarf) <= SMALL_DWARF ? lateOptimization() : () => {};
      try {
        dump(a, od, errors);
      } finally {
        restoreOptimization();
      }
    }),
});

/** DIE sections up to this size (.debug_info and .debug_types, decompressed) are dumped under lateOptimization: 71 KB (2 MB of text) still gained. */
const SMALL_DWARF = 128 << 10;

/** Bytes of DIEs: .debug_info and .debug_types (0 when damaged: the dump stops early then). */
function dieBytes(d: Dwarf): number {
  try {
    return (d.sections.get('info')?.length ?? 0) + (d.sections.get('types')?.length ?? 0);
  } catch {
    return 0;
  }
}

/** Writes the DIEs `a` asks for: all, those at `--offset`, or those named `--name`. */
function dump(a: InfoArgs, od: OpenedDwarf, errors: ParseError[]): void {
  const d = od.dwarf;
  const w = new DieWriter(!!a.json, { showForm: !!a['show-form'], machine: od.elf.header.machine }, d);
  w.begin(a.file, od);
  if (a.offset !== undefined) {
    const off = parseOffset(a.offset);
    const u = d.unitContaining(off);
    if (!u) throw new CliError(`no unit of ${d.sections.name('info')} contains offset ${hx(off)}`);
    w.unit(u);
    dumpEntries(w, u, u.entriesAt(off), errors, true);
  } else {
    for (const u of allUnits(d, errors)) {
      if (a.name !== undefined) {
        let shown = false;
        try {
          const c = u.entries();
          while (c.next()) {
            const n = c.attr(D.DW_AT_name) ?? c.attr(D.DW_AT_linkage_name);
            if (!n || u.attrString(n) !== a.name) continue;
            if (!shown) w.unit(u);
            shown = true;
            dumpEntries(w, u, u.entriesAt(c.offset), errors, true);
          }
        } catch (e) {
          sink(errors)(e);
        }
        continue;
      }
      w.unit(u);
      dumpEntries(w, u, u.entries(), errors, false);
      if (a.dwo && SplitResolver.isSkeleton(u)) {
        try {
          const s = od.split.splitUnit(u);
          if (s) {
            w.unit(s.unit, { file: s.path, via: s.via, skeleton: u.offset });
            dumpEntries(w, s.unit, s.unit.entries(), errors, false);
          } else errors.push(new ParseError('out-of-range', `split unit of skeleton at ${hx(u.offset)} (${u.root().dwoName ?? '?'}) not found`, d.sections.name('info'), u.offset));
        } catch (e) {
          sink(errors)(e);
        }
      }
    }
  }
  w.end(errors);
}
