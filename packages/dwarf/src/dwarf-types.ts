import { isParseError, type ParseError } from '@elfkit/binary';
import type { Attribute } from './attribute.js';
import * as C from './constants.js';
import { constValue } from './const-value.js';
import { DwarfConstant } from './constant.js';
import { attrOf, dieAt, flagOf, forEachChild, refTarget, stringOf, type DieAt } from './die-ref.js';
import type { Dwarf, ErrorSink } from './dwarf.js';
import { DwarfFunction, FunctionParam } from './function.js';
import { NameIndex, type NameEntry, type NameKind } from './name-index.js';
import type { DieRef, DwarfType, EnumType, StructType } from './type.js';
import { isSignedInteger } from './type-facts.js';
import { TypeLookupError } from './type-lookup-error.js';
import { TypeReader } from './type-reader.js';
import { DwarfVariable } from './variable.js';

const KEYWORD = /^(struct|class|union|enum) (.+)$/;
const KEYWORD_TAGS: Record<string, number[]> = {
  struct: [C.DW_TAG_structure_type, C.DW_TAG_class_type],
  class: [C.DW_TAG_class_type, C.DW_TAG_structure_type],
  union: [C.DW_TAG_union_type],
  enum: [C.DW_TAG_enumeration_type],
};

/** Preference among same-named types: definitions, then the type itself over a typedef of it, then DIE order. */
function typeRank(e: NameEntry): number {
  return (e.defined ? 0 : 2) + (e.tag === C.DW_TAG_typedef ? 1 : 0);
}

const cache = new WeakMap<Dwarf, Map<string, DwarfTypes>>();

/** Options of a {@link DwarfTypes}. */
export interface DwarfTypesOptions {
  /** Where units that cannot be indexed are reported (they are also in {@link DwarfTypes.errors}). */
  readonly onError?: ErrorSink;
  /**
   * Index only the names that start with this (`runtime.`): lookups of
   * such names answer exactly as without it, other names find nothing, and
   * the names left out are never decoded — for a reader that needs a few
   * names of one Go package or C++ namespace from a large program.
   */
  readonly namePrefix?: string;
  /** False: functions are not indexed ({@link DwarfTypes.findFunc} finds none), for a reader of types, variables and constants only. Default true. */
  readonly functions?: boolean;
}

/**
 * The types, global variables, constants and functions of a {@link Dwarf},
 * by name — what a debugger needs to read a process or core by the
 * program's own layout:
 *
 * ```ts
 * const types = DwarfTypes.of(dwarf);
 * const g = types.typeByName('runtime.g');
 * g.size;                                  // 392 (go1.19 amd64)
 * g.offsetOf('sched.sp');                  // 56
 * g.member('atomicstatus').type;           // uint32, or internal/runtime/atomic.Uint32 (then .value)
 * types.variable('runtime.allgs').address; // 0x4dea90n
 * types.constant('runtime._Gwaiting').number; // 4
 * ```
 *
 * Names are indexed by one walk over the units on first lookup; types are
 * read when first reached and kept. A missing name or member is a
 * {@link TypeLookupError}; damaged DWARF is a ParseError naming section
 * and offset (units that cannot be indexed are in {@link errors}, and
 * the others still answer).
 */
export class DwarfTypes {
  readonly dwarf: Dwarf;
  private readonly reader = new TypeReader();
  private index?: NameIndex;
  private readonly onError?: ErrorSink;
  private readonly namePrefix: string;
  private readonly functions: boolean;

  constructor(dwarf: Dwarf, options: DwarfTypesOptions = {}) {
    this.dwarf = dwarf;
    this.onError = options.onError;
    this.namePrefix = options.namePrefix ?? '';
    this.functions = options.functions ?? true;
  }

  /**
   * The DwarfTypes of `dwarf`, made once per `namePrefix` and `functions`
   * (see {@link DwarfTypesOptions}; its caches are shared by every caller).
   */
  static of(dwarf: Dwarf, options: Pick<DwarfTypesOptions, 'namePrefix' | 'functions'> = {}): DwarfTypes {
    const prefix = options.namePrefix ?? '';
    const functions = options.functions ?? true;
    let views = cache.get(dwarf);
    if (!views) cache.set(dwarf, (views = new Map()));
    const key = `${functions ? 'f' : '-'}${prefix}`;
    let t = views.get(key);
    if (!t) views.set(key, (t = new DwarfTypes(dwarf, { namePrefix: prefix, functions })));
    return t;
  }

  private names(): NameIndex {
    return (this.index ??= new NameIndex(this.dwarf, this.onError, this.namePrefix, this.functions));
  }

  /** Units the name index could not read (each a ParseError with section and offset). */
  get errors(): readonly ParseError[] {
    return this.names().errors;
  }

  /** The type whose DIE is `ref`. */
  typeOf(ref: DieRef): DwarfType {
    return this.reader.typeAt(ref);
  }

  /** The type whose DIE is at `offset` of `.debug_info`; a ParseError when no unit holds it. */
  typeAt(offset: number): DwarfType {
    const unit = this.dwarf.unitContaining(offset);
    if (!unit || offset < unit.firstEntry) throw new TypeLookupError('type', `0x${offset.toString(16)}`, `no DIE at 0x${offset.toString(16)} of ${this.dwarf.sections.name('info')}`);
    return this.reader.typeAt({ unit, offset });
  }

  private typeEntries(name: string): NameEntry[] {
    let list = this.names()
      .entries(name)
      .filter((e) => e.kind === 'type');
    if (!list.length) {
      const m = KEYWORD.exec(name);
      if (m) {
        const tags = KEYWORD_TAGS[m[1]!]!;
        list = this.names()
          .entries(m[2]!)
          .filter((e) => e.kind === 'type' && tags.includes(e.tag));
      }
    }
    return list.map((e, i) => ({ e, i })).sort((a, b) => typeRank(a.e) - typeRank(b.e) || a.i - b.i).map((x) => x.e);
  }

  /**
   * The type named `name` (Go: `runtime.g`; C: `point` or `struct point`;
   * C++: `geo::Rect` or `Rect`): a definition before a declaration, the
   * struct before a typedef of the same name. Undefined when there is none.
   */
  findType(name: string): DwarfType | undefined {
    const e = this.typeEntries(name)[0];
    return e ? this.reader.typeAt(e.ref) : undefined;
  }

  /** As {@link findType}; a {@link TypeLookupError} when there is no such type. */
  typeByName(name: string): DwarfType {
    const t = this.findType(name);
    if (!t) throw new TypeLookupError('type', name, `no type named ${name} in the DWARF`);
    return t;
  }

  /** The struct, class or union named `name` (through typedefs); a {@link TypeLookupError} when there is none. */
  structByName(name: string): StructType {
    const t = this.typeByName(name).strip();
    if (!t || (t.kind !== 'struct' && t.kind !== 'class' && t.kind !== 'union' && t.kind !== 'interface')) throw new TypeLookupError('type', name, `${name} is not a struct, class or union`);
    return t;
  }

  /** Every type named `name`, best first (see {@link findType}). */
  typesNamed(name: string): DwarfType[] {
    return this.typeEntries(name).map((e) => this.reader.typeAt(e.ref));
  }

  /**
   * The names the index holds, of one kind or all, in the order first
   * met (each once).
   */
  *allNames(kind?: NameKind): Generator<string> {
    for (const [name, entries] of this.names().all()) if (!kind || entries.some((e) => e.kind === kind)) yield name;
  }

  /**
   * The best type of each name (see {@link findType}), in the order the
   * names were first met: what `pahole` lists with no `-C`. A type whose
   * DIE cannot be read goes to `onError` and the walk goes on (without
   * `onError` it is thrown).
   */
  *namedTypes(onError?: ErrorSink): Generator<DwarfType> {
    for (const [name, entries] of this.names().all()) {
      if (!entries.some((e) => e.kind === 'type')) continue;
      const e = this.typeEntries(name)[0];
      if (!e) continue;
      let t: DwarfType;
      try {
        t = this.reader.typeAt(e.ref);
      } catch (err) {
        if (!onError || !isParseError(err)) throw err;
        onError(err);
        continue;
      }
      yield t;
    }
  }

  /**
   * The global variable named `name`, from its defining DIE (the one with
   * DW_AT_location; a C++ static member's out-of-class definition).
   * Undefined when there is none; a declaration only (an `extern` never
   * defined here) comes back with `declaration` set and no address.
   */
  findVariable(name: string): DwarfVariable | undefined {
    const entries = this.names()
      .entries(name)
      .filter((e) => e.kind === 'variable');
    if (!entries.length) return undefined;
    const best = entries.find((e) => e.defined) ?? entries[0]!;
    const decl = dieAt(best.ref);
    if (best.defined) return new DwarfVariable(this.reader, name, best.ref, decl.attrs, this.typeRefOf(decl), false);
    for (const ref of this.names().completing(best.ref.offset)) {
      const def = dieAt(ref);
      if (attrOf(def.attrs, C.DW_AT_location) || attrOf(def.attrs, C.DW_AT_const_value)) {
        return new DwarfVariable(this.reader, name, ref, def.attrs, this.typeRefOf(def) ?? this.typeRefOf(decl), false);
      }
    }
    return new DwarfVariable(this.reader, name, best.ref, decl.attrs, this.typeRefOf(decl), true);
  }

  /** As {@link findVariable}; a {@link TypeLookupError} when there is no such variable. */
  variable(name: string): DwarfVariable {
    const v = this.findVariable(name);
    if (!v) throw new TypeLookupError('variable', name, `no variable named ${name} in the DWARF`);
    return v;
  }

  /** The constant or enumerator named `name`, or undefined. */
  findConstant(name: string): DwarfConstant | undefined {
    const e = this.names()
      .entries(name)
      .filter((x) => x.kind === 'constant')
      .sort((a, b) => Number(b.defined) - Number(a.defined))[0];
    return e ? this.constantOf(e) : undefined;
  }

  /** As {@link findConstant}; a {@link TypeLookupError} when there is none. */
  constant(name: string): DwarfConstant {
    const c = this.findConstant(name);
    if (!c) throw new TypeLookupError('constant', name, `no constant named ${name} in the DWARF`);
    return c;
  }

  /** Every constant and enumerator whose name starts with `prefix` (`runtime._G`: the goroutine statuses), in DIE order, each name once. */
  constants(prefix = ''): DwarfConstant[] {
    const out: DwarfConstant[] = [];
    for (const [name, entries] of this.names().all()) {
      if (!name.startsWith(prefix)) continue;
      const e = entries.find((x) => x.kind === 'constant');
      if (e) out.push(this.constantOf(e));
    }
    return out;
  }

  private constantOf(e: NameEntry): DwarfConstant {
    const die = dieAt(e.ref);
    if (e.tag === C.DW_TAG_enumerator && e.parent) {
      const en = this.reader.typeAt(e.parent) as EnumType;
      const own = stringOf(e.ref.unit, die.attrs, C.DW_AT_name);
      const value = en.kind === 'enum' ? en.enumerators.find((x) => x.name === own)?.value : undefined;
      return new DwarfConstant(this.reader, e.name, e.ref, 'enumerator', value, e.parent);
    }
    const typeRef = this.typeRefOf(die);
    const cv = attrOf(die.attrs, C.DW_AT_const_value);
    const value = cv ? constValue(e.ref.unit, cv, typeRef ? isSignedInteger(this.reader.typeAt(typeRef)) : false) : undefined;
    return new DwarfConstant(this.reader, e.name, e.ref, 'constant', value, typeRef);
  }

  /**
   * The function named `name` (Go: `runtime.gopark`, `main.(*T).M`; C++:
   * qualified) with its parameters in order; the copy with code when
   * there is one. Undefined when there is none.
   */
  findFunc(name: string): DwarfFunction | undefined {
    const entries = this.names()
      .entries(name)
      .filter((e) => e.kind === 'function');
    if (!entries.length) return undefined;
    const best = entries.find((e) => e.defined) ?? entries[0]!;
    return this.functionOf(name, best);
  }

  /** As {@link findFunc}; a {@link TypeLookupError} when there is none. */
  func(name: string): DwarfFunction {
    const f = this.findFunc(name);
    if (!f) throw new TypeLookupError('function', name, `no function named ${name} in the DWARF`);
    return f;
  }

  private functionOf(name: string, e: NameEntry): DwarfFunction {
    const primary = dieAt(e.ref);
    let code: DieAt | undefined = e.defined ? primary : undefined;
    if (!code) {
      for (const ref of this.names().completing(e.ref.offset)) {
        const d = dieAt(ref);
        if (attrOf(d.attrs, C.DW_AT_low_pc) || attrOf(d.attrs, C.DW_AT_ranges)) {
          code = d;
          break;
        }
      }
    }
    const { lowPc, highPc } = code ? this.codeRange(code) : { lowPc: undefined, highPc: undefined };
    const abstract = code && code !== primary && flagOrValue(primary.attrs, C.DW_AT_inline);
    let params: FunctionParam[];
    if (abstract && code) {
      // The abstract instance lists every parameter in order; the copy
      // with code has their locations, by abstract origin.
      const located = new Map<number, { attr: Attribute; die: DieRef }>();
      for (const p of this.paramDies(dieAt(code.ref))) {
        const o = attrOf(p.attrs, C.DW_AT_abstract_origin);
        const loc = attrOf(p.attrs, C.DW_AT_location);
        if (o && loc) located.set(p.ref.unit.refOffset(o), { attr: loc, die: p.ref });
      }
      params = this.paramDies(dieAt(e.ref)).map((p) => this.param(p, located.get(p.ref.offset)));
    } else params = this.paramDies(dieAt((code ?? primary).ref)).map((p) => this.param(p));
    const typeRef = this.typeRefOf(primary) ?? (code ? this.typeRefOf(code) : undefined);
    return new DwarfFunction(this.reader, {
      name,
      die: (code ?? primary).ref,
      lowPc,
      highPc,
      external: flagOf(primary.attrs, C.DW_AT_external),
      declaration: !code,
      params,
      returnTypeRef: typeRef,
    });
  }

  private codeRange(d: DieAt): { lowPc?: bigint; highPc?: bigint } {
    const unit = d.ref.unit;
    const low = attrOf(d.attrs, C.DW_AT_low_pc);
    if (low) {
      const lowPc = unit.attrAddress(low);
      const high = attrOf(d.attrs, C.DW_AT_high_pc);
      return { lowPc, highPc: high ? unit.highPc(high, lowPc) : undefined };
    }
    const ranges = attrOf(d.attrs, C.DW_AT_ranges);
    if (!ranges) return {};
    const list = unit.attrRanges(ranges);
    const entry = attrOf(d.attrs, C.DW_AT_entry_pc);
    const entryPc = entry ? unit.attrAddress(entry) : list[0]?.begin;
    const r = list.find((x) => entryPc !== undefined && x.begin <= entryPc && entryPc < x.end) ?? list[0];
    return { lowPc: entryPc, highPc: r?.end };
  }

  /** The formal parameters of a subprogram DIE, with their attributes. */
  private paramDies(d: DieAt): { ref: DieRef; attrs: Attribute[] }[] {
    const out: { ref: DieRef; attrs: Attribute[] }[] = [];
    forEachChild(d.cursor, (c) => {
      if (c.tag === C.DW_TAG_formal_parameter) out.push({ ref: { unit: d.ref.unit, offset: c.offset }, attrs: c.attrs() });
    });
    return out;
  }

  /** A parameter from its DIE, its name and type through DW_AT_abstract_origin when it has none. */
  private param(p: { ref: DieRef; attrs: Attribute[] }, located?: { attr: Attribute; die: DieRef }): FunctionParam {
    let attrs: readonly Attribute[] = p.attrs;
    let unit = p.ref.unit;
    let ref = p.ref;
    const origin = attrOf(attrs, C.DW_AT_abstract_origin);
    const own = attrOf(attrs, C.DW_AT_location);
    if (origin && !attrOf(attrs, C.DW_AT_name)) {
      const target = refTarget(unit, origin, p.ref.offset);
      if (target) {
        const o = dieAt(target);
        attrs = o.attrs;
        unit = target.unit;
        ref = target;
      }
    }
    const typeAttr = attrOf(attrs, C.DW_AT_type);
    return new FunctionParam(this.reader, {
      name: stringOf(unit, attrs, C.DW_AT_name),
      die: ref,
      typeRef: typeAttr ? refTarget(unit, typeAttr, ref.offset) : undefined,
      variableParameter: flagOf(attrs, C.DW_AT_variable_parameter),
      artificial: flagOf(attrs, C.DW_AT_artificial),
      location: located?.attr ?? own,
      locationDie: located?.die ?? (own ? p.ref : undefined),
    });
  }

  private typeRefOf(d: DieAt): DieRef | undefined {
    const a = attrOf(d.attrs, C.DW_AT_type);
    return a ? refTarget(d.ref.unit, a, d.ref.offset) : undefined;
  }
}

function flagOrValue(attrs: readonly Attribute[], name: number): boolean {
  const a = attrOf(attrs, name);
  return a !== undefined && a.value !== 0 && a.value !== false;
}
