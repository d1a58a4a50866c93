import { decodeUtf8, ParseError } from '@elfkit/binary';
import type { MutableAttribute } from './attribute.js';
import * as C from './constants.js';
import type { Dwarf, ErrorSink } from './dwarf.js';
import type { DieRef } from './type.js';
import { isTypeTag } from './type-reader.js';
import type { Unit } from './unit.js';

/** What a named DIE is. */
export type NameKind = 'type' | 'variable' | 'constant' | 'function';

/** One named DIE at namespace scope. */
export interface NameEntry {
  readonly kind: NameKind;
  /** The name as indexed (C++: with namespaces and classes, `geo::Rect`). */
  readonly name: string;
  readonly ref: DieRef;
  readonly tag: number;
  /** DW_AT_declaration set. */
  readonly declaration: boolean;
  /** A definition with substance: a type that is no declaration, a variable with a location or value, a function with code, a constant with a value. */
  readonly defined: boolean;
  /** For an enumerator: the enumeration it belongs to. */
  readonly parent?: DieRef;
}

/** The attributes the index looks at; the others are skipped undecoded (no block copied, no string made). */
const WANTED = new Uint8Array(0x100);
const WANTED_OPTIONS = { blockOffsets: true, stringOffsets: true };
const NAME_ONLY = new Uint8Array(C.DW_AT_name + 1);
NAME_ONLY[C.DW_AT_name] = 1;
for (const a of [C.DW_AT_name, C.DW_AT_declaration, C.DW_AT_location, C.DW_AT_const_value, C.DW_AT_low_pc, C.DW_AT_ranges, C.DW_AT_entry_pc, C.DW_AT_specification, C.DW_AT_abstract_origin, C.DW_AT_external, C.DW_AT_enum_class]) WANTED[a] = 1;

const CPP = new Set([C.DW_LANG_C_plus_plus, C.DW_LANG_C_plus_plus_03, C.DW_LANG_C_plus_plus_11, C.DW_LANG_C_plus_plus_14, C.DW_LANG_ObjC_plus_plus]);

/**
 * Every type, variable, constant, enumerator and function named at
 * namespace scope (in C++ also inside classes), by name; built by one walk
 * over the units on first use. Function-local names are not indexed.
 * DIEs that complete another one (DW_AT_specification: a C++ static
 * member's definition; DW_AT_abstract_origin: a function's out-of-line
 * copy) are kept by the DIE they complete.
 */
export class NameIndex {
  private readonly byName = new Map<string, NameEntry[]>();
  /** C++: unqualified name → entries (pahole and people name classes without their namespace). */
  private readonly byBareName = new Map<string, NameEntry[]>();
  /** Section offset of a declaration/abstract DIE → the DIEs that complete it. */
  private readonly completions = new Map<number, DieRef[]>();
  /** Problems met while indexing (a damaged unit); the other units are indexed. */
  readonly errors: ParseError[] = [];
  /** Only names starting with this are kept (see the constructor). */
  private readonly only: string;
  /** `only` as bytes when it is ASCII (compared in place, before a name is decoded); undefined otherwise. */
  private readonly onlyBytes?: Uint8Array;

  /** False when functions are left out (see the constructor). */
  private readonly functions: boolean;

  /**
   * With `namePrefix`, only names that start with it are indexed: the
   * lookups of such names answer exactly as the whole index does, and the
   * other names are never decoded (a reader of Go's runtime asks for
   * `runtime.` names only). With `functions` false, subprograms are passed
   * over undecoded (a reader of types and globals needs none).
   */
  constructor(dwarf: Dwarf, onError?: ErrorSink, namePrefix = '', functions = true) {
    this.only = namePrefix;
    this.functions = functions;
    if (/^[\x00-\x7f]*$/.test(namePrefix)) this.onlyBytes = Uint8Array.from(namePrefix, (ch) => ch.charCodeAt(0));
    const sink: ErrorSink = (e) => {
      this.errors.push(e);
      onError?.(e);
    };
    for (const u of dwarf.units(sink)) this.indexUnit(u, sink);
    if (dwarf.sections.has('types')) for (const u of dwarf.typeUnits(sink)) this.indexUnit(u, sink);
  }

  /** The entries named `name` (qualified, else C++ unqualified). */
  entries(name: string): readonly NameEntry[] {
    return this.byName.get(name) ?? this.byBareName.get(name) ?? [];
  }

  /** The DIEs completing the declaration or abstract DIE at `offset` (of `.debug_info`). */
  completing(offset: number): readonly DieRef[] {
    return this.completions.get(offset) ?? [];
  }

  /** Every indexed name with its entries, in the order first met. */
  all(): IterableIterator<[string, NameEntry[]]> {
    return this.byName.entries();
  }

  private add(e: NameEntry, bare: string | undefined): void {
    if (e.name.startsWith(this.only)) {
      let l = this.byName.get(e.name);
      if (!l) this.byName.set(e.name, (l = []));
      l.push(e);
    }
    if (bare !== undefined && bare !== e.name && bare.startsWith(this.only)) {
      let b = this.byBareName.get(bare);
      if (!b) this.byBareName.set(bare, (b = []));
      b.push(e);
    }
  }

  /** False when name attribute `a` certainly does not start with the prefix (compared in its section, undecoded). */
  private mayMatch(unit: Unit, a: MutableAttribute): boolean {
    const want = this.onlyBytes;
    if (!want) return true;
    if (want.length === 0) return true;
    let bytes: Uint8Array;
    let at: number;
    if (a.form === C.DW_FORM_string) {
      bytes = unit.sectionBytes;
      at = (a.value as number) - unit.bytesBase;
    } else {
      const loc = unit.stringLocation(a.form, a.value);
      if (!loc) return true;
      bytes = loc.bytes;
      at = loc.offset;
    }
    if (at + want.length > bytes.length) return false;
    for (let i = 0; i < want.length; i++) if (bytes[at + i] !== want[i]) return false;
    return true;
  }

  /** The DW_FORM_string at section offset `offset` of the unit's section. */
  private inlineString(unit: Unit, offset: number): string {
    const bytes = unit.sectionBytes;
    const start = offset - unit.bytesBase;
    const nul = bytes.indexOf(0, start);
    return decodeUtf8(bytes, start, nul < 0 ? bytes.length : nul);
  }

  private indexUnit(unit: Unit, sink: ErrorSink): void {
    try {
      let language: number | undefined;
      try {
        language = unit.root().language;
      } catch {
        language = undefined;
      }
      const cpp = language !== undefined && CPP.has(language);
      const prefix: string[] = [''];
      // The DIE of each scope descended into (an enumerator's parent is its enumeration).
      const scopes: DieRef[] = [];
      const c = unit.entries();
      // Reused for every DIE: the index keeps no attribute.
      const attrs: MutableAttribute[] = [];
      while (c.next()) {
        const depth = c.depth;
        if (depth === 0) continue;
        const tag = c.tag;
        const scope = prefix[depth - 1];
        // A DIE whose parent was not descended into cannot be reached; a
        // DIE below a scope we track has its prefix there.
        if (scope === undefined) {
          c.skipChildren();
          continue;
        }
        prefix.length = depth;
        const ref: DieRef = { unit, offset: c.offset };
        const isType = isTypeTag(tag);
        const relevant =
          isType ||
          tag === C.DW_TAG_variable ||
          tag === C.DW_TAG_constant ||
          tag === C.DW_TAG_subprogram ||
          tag === C.DW_TAG_namespace ||
          tag === C.DW_TAG_enumerator ||
          (cpp && tag === C.DW_TAG_member);
        if (!relevant || (tag === C.DW_TAG_subprogram && !this.functions)) {
          c.skipChildren();
          continue;
        }
        // With a prefix, a named DIE that is no scope is passed over on its name alone, before its other attributes are read.
        if (this.onlyBytes?.length && !cpp && scope === '' && tag !== C.DW_TAG_namespace && tag !== C.DW_TAG_enumeration_type && c.attrsWanted(attrs, NAME_ONLY, WANTED_OPTIONS) === 1 && !this.mayMatch(unit, attrs[0]!)) {
          c.skipChildren();
          continue;
        }
        const n = c.attrsWanted(attrs, WANTED, WANTED_OPTIONS);
        let name: string | undefined;
        let hasName = false;
        let declaration = false;
        let defined = false;
        let enumClass = false;
        let completes: number | undefined;
        for (let i = 0; i < n; i++) {
          const a = attrs[i]!;
          switch (a.name) {
            case C.DW_AT_name:
              hasName = true;
              // Decoded only when it can be kept or names a scope (C has neither namespaces nor member scopes).
              if (cpp || scope !== '' || tag === C.DW_TAG_namespace || tag === C.DW_TAG_enumeration_type || this.mayMatch(unit, a)) {
                name = a.form === C.DW_FORM_string ? this.inlineString(unit, a.value as number) : unit.attrString(a);
              }
              break;
            case C.DW_AT_declaration:
              declaration = a.value !== 0 && a.value !== false;
              break;
            case C.DW_AT_location:
            case C.DW_AT_const_value:
            case C.DW_AT_low_pc:
            case C.DW_AT_ranges:
            case C.DW_AT_entry_pc:
              defined = true;
              break;
            case C.DW_AT_specification:
            case C.DW_AT_abstract_origin: {
              const off = unit.refOffset(a);
              if (off >= 0 && !unit.header.inTypes) completes = off;
              break;
            }
            case C.DW_AT_external:
              if (tag === C.DW_TAG_member) declaration = true;
              break;
            case C.DW_AT_enum_class:
              enumClass = a.value !== 0 && a.value !== false;
              break;
          }
        }
        if (completes !== undefined && !hasName && (tag === C.DW_TAG_variable || tag === C.DW_TAG_subprogram)) {
          let l = this.completions.get(completes);
          if (!l) this.completions.set(completes, (l = []));
          l.push(ref);
        }
        let descend: string | undefined;
        if (tag === C.DW_TAG_namespace) descend = `${scope}${name ?? '(anonymous namespace)'}::`;
        else if (cpp && (tag === C.DW_TAG_structure_type || tag === C.DW_TAG_class_type || tag === C.DW_TAG_union_type) && name !== undefined) descend = `${scope}${name}::`;
        else if (tag === C.DW_TAG_enumeration_type) {
          // C and unscoped C++ enumerators belong to the enclosing scope.
          descend = enumClass && name !== undefined ? `${scope}${name}::` : scope;
        }
        if (name !== undefined && tag !== C.DW_TAG_namespace) {
          const kind: NameKind = isType ? 'type' : tag === C.DW_TAG_subprogram ? 'function' : tag === C.DW_TAG_constant || tag === C.DW_TAG_enumerator ? 'constant' : 'variable';
          if (tag === C.DW_TAG_member && !declaration) {
            // A data member of a class: part of the layout, not a name of its own.
          } else {
            const isDefined = kind === 'type' ? !declaration : tag === C.DW_TAG_enumerator ? true : defined;
            this.add({ kind, name: scope + name, ref, tag, declaration, defined: isDefined, parent: tag === C.DW_TAG_enumerator ? scopes[depth - 1] : undefined }, cpp ? name : undefined);
          }
        }
        if (descend !== undefined && c.hasChildren) {
          prefix[depth] = descend;
          scopes[depth] = ref;
        }
        else c.skipChildren();
      }
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      sink(e);
    }
  }
}
