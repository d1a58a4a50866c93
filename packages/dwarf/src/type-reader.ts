import type { Attribute } from './attribute.js';
import * as C from './constants.js';
import { constCount, constInteger, constSigned } from './const-value.js';
import { attrOf, dieAt, flagOf, forEachChild, refTarget, stringOf } from './die-ref.js';
import { memberLocation } from './member-location.js';
import {
  ArrayType,
  BaseType,
  EnumType,
  FunctionType,
  Member,
  OtherType,
  PointerType,
  PtrToMemberType,
  QualifiedType,
  StructType,
  TypedefType,
  UnspecifiedType,
  circular,
  type ArrayDimension,
  type DieRef,
  type DwarfType,
  type Enumerator,
  type TypeInfo,
  type TypeResolver,
} from './type.js';
import type { Unit } from './unit.js';

const QUALIFIERS: Record<number, QualifiedType['kind']> = {
  [C.DW_TAG_const_type]: 'const',
  [C.DW_TAG_volatile_type]: 'volatile',
  [C.DW_TAG_restrict_type]: 'restrict',
  [C.DW_TAG_atomic_type]: 'atomic',
  [C.DW_TAG_immutable_type]: 'immutable',
  [C.DW_TAG_packed_type]: 'packed',
  [C.DW_TAG_shared_type]: 'shared',
};

const STRUCTS: Record<number, StructType['kind']> = {
  [C.DW_TAG_structure_type]: 'struct',
  [C.DW_TAG_class_type]: 'class',
  [C.DW_TAG_union_type]: 'union',
  [C.DW_TAG_interface_type]: 'interface',
};

/** Languages whose arrays start at 1 when DW_AT_lower_bound is absent (DWARF 5 table 7.17). */
const ONE_BASED = new Set([
  C.DW_LANG_Ada83,
  C.DW_LANG_Ada95,
  C.DW_LANG_Cobol74,
  C.DW_LANG_Cobol85,
  C.DW_LANG_Fortran77,
  C.DW_LANG_Fortran90,
  C.DW_LANG_Fortran95,
  C.DW_LANG_Fortran03,
  C.DW_LANG_Fortran08,
  C.DW_LANG_Pascal83,
  C.DW_LANG_Modula2,
  C.DW_LANG_PLI,
  C.DW_LANG_Julia,
]);

/** True when the tag is one the type reader models as a type. */
export function isTypeTag(tag: number): boolean {
  switch (tag) {
    case C.DW_TAG_base_type:
    case C.DW_TAG_unspecified_type:
    case C.DW_TAG_pointer_type:
    case C.DW_TAG_reference_type:
    case C.DW_TAG_rvalue_reference_type:
    case C.DW_TAG_ptr_to_member_type:
    case C.DW_TAG_typedef:
    case C.DW_TAG_array_type:
    case C.DW_TAG_enumeration_type:
    case C.DW_TAG_subroutine_type:
    case C.DW_TAG_string_type:
    case C.DW_TAG_set_type:
    case C.DW_TAG_subrange_type:
      return true;
    default:
      return tag in QUALIFIERS || tag in STRUCTS;
  }
}

/**
 * Reads type DIEs into {@link DwarfType}s, each once: a type is read when
 * first asked for and the types it refers to only when followed, so
 * looking up `runtime.g` reads `runtime.g` and its members' DIEs and
 * nothing else. Recursive types (a struct pointing to itself) are fine:
 * references resolve through this cache. Damaged DIEs throw ParseError
 * naming the section and offset.
 */
export class TypeReader implements TypeResolver {
  private readonly cache = new Map<Unit, Map<number, DwarfType>>();
  /** DIEs being read: a type whose reading needs itself (a struct holding itself by value) is circular. */
  private readonly reading = new Set<string>();

  typeAt(ref: DieRef): DwarfType {
    let m = this.cache.get(ref.unit);
    if (!m) this.cache.set(ref.unit, (m = new Map()));
    let t = m.get(ref.offset);
    if (!t) {
      const key = `${ref.unit.sectionName}:${ref.unit.offset}:${ref.offset}`;
      if (this.reading.has(key)) throw circular(ref);
      this.reading.add(key);
      try {
        t = this.read(ref);
      } finally {
        this.reading.delete(key);
      }
      m.set(ref.offset, t);
    }
    return t;
  }

  /** Where DW_AT_type of `attrs` points (undefined: void). */
  private typeRef(unit: Unit, attrs: readonly Attribute[], from: number, name = C.DW_AT_type): DieRef | undefined {
    const a = attrOf(attrs, name);
    return a ? refTarget(unit, a, from) : undefined;
  }

  private read(ref: DieRef): DwarfType {
    const { unit, offset } = ref;
    const die = dieAt(ref);
    const { tag, attrs, cursor } = die;
    // A declaration standing for a type in a type unit (DWARF 4 -fdebug-types-section).
    const sig = attrOf(attrs, C.DW_AT_signature);
    if (sig) {
      const target = refTarget(unit, sig, offset);
      if (target && (target.unit !== unit || target.offset !== offset)) return this.typeAt(target);
    }
    const info: TypeInfo = {
      name: stringOf(unit, attrs, C.DW_AT_name),
      byteSize: constCount(attrOf(attrs, C.DW_AT_byte_size)),
      goKind: constCount(attrOf(attrs, C.DW_AT_GO_kind)),
      declaration: flagOf(attrs, C.DW_AT_declaration),
    };
    switch (tag) {
      case C.DW_TAG_base_type:
        return new BaseType(this, ref, tag, { ...info, encoding: constCount(attrOf(attrs, C.DW_AT_encoding)), bitSize: constCount(attrOf(attrs, C.DW_AT_bit_size)) });
      case C.DW_TAG_unspecified_type:
        return new UnspecifiedType(this, ref, tag, info);
      case C.DW_TAG_pointer_type:
        return new PointerType(this, ref, tag, info, this.typeRef(unit, attrs, offset), 'pointer');
      case C.DW_TAG_reference_type:
        return new PointerType(this, ref, tag, info, this.typeRef(unit, attrs, offset), 'reference');
      case C.DW_TAG_rvalue_reference_type:
        return new PointerType(this, ref, tag, info, this.typeRef(unit, attrs, offset), 'rvalue-reference');
      case C.DW_TAG_ptr_to_member_type:
        return new PtrToMemberType(this, ref, tag, info, this.typeRef(unit, attrs, offset), this.typeRef(unit, attrs, offset, C.DW_AT_containing_type));
      case C.DW_TAG_typedef:
        return new TypedefType(this, ref, tag, info, this.typeRef(unit, attrs, offset));
      case C.DW_TAG_array_type:
        return this.readArray(ref, info, attrs, cursor);
      case C.DW_TAG_enumeration_type:
        return this.readEnum(ref, info, attrs, cursor);
      case C.DW_TAG_subroutine_type:
        return this.readFunction(ref, info, attrs, cursor);
      default:
        if (tag in QUALIFIERS) return new QualifiedType(this, ref, tag, info, this.typeRef(unit, attrs, offset), QUALIFIERS[tag]!);
        if (tag in STRUCTS) return this.readStruct(ref, tag, info, attrs, cursor);
        return new OtherType(this, ref, tag, info);
    }
  }

  private readStruct(ref: DieRef, tag: number, info: TypeInfo, attrs: readonly Attribute[], cursor: ReturnType<typeof dieAt>['cursor']): StructType {
    const { unit } = ref;
    const members: Member[] = [];
    forEachChild(cursor, (c) => {
      const ctag = c.tag;
      if (ctag !== C.DW_TAG_member && ctag !== C.DW_TAG_inheritance) return;
      const a = c.attrs();
      const at = c.offset;
      // Static data members (DWARF 2–4: a member that is a declaration) take no room.
      if (ctag === C.DW_TAG_member && (flagOf(a, C.DW_AT_external) || flagOf(a, C.DW_AT_declaration))) return;
      const inheritance = ctag === C.DW_TAG_inheritance;
      const name = inheritance ? undefined : stringOf(unit, a, C.DW_AT_name);
      const typeRef = this.typeRef(unit, a, at);
      const loc = attrOf(a, C.DW_AT_data_member_location);
      const location = loc ? memberLocation(unit, loc) : 0;
      const bitSize = constCount(attrOf(a, C.DW_AT_bit_size));
      let bitOffset: number | undefined;
      if (bitSize !== undefined) {
        const dataBit = constCount(attrOf(a, C.DW_AT_data_bit_offset));
        const oldBit = constSigned(attrOf(a, C.DW_AT_bit_offset));
        if (dataBit !== undefined) bitOffset = dataBit;
        else if (oldBit !== undefined && location !== undefined) {
          // DWARF 2/3: bits from the most significant bit of the storage
          // unit (DW_AT_byte_size, else the type's size) to the field's.
          const storage = constCount(attrOf(a, C.DW_AT_byte_size)) ?? (typeRef ? this.typeAt(typeRef).size : undefined);
          if (storage !== undefined) bitOffset = unit.littleEndian ? location * 8 + storage * 8 - oldBit - bitSize : location * 8 + oldBit;
        } else if (location !== undefined) bitOffset = location * 8;
      }
      const goEmbedded = flagOf(a, C.DW_AT_GO_embedded_field);
      members.push(
        new Member(this, {
          die: { unit, offset: at },
          name,
          typeRef,
          location,
          bitSize,
          bitOffset,
          embedded: goEmbedded || inheritance || name === undefined,
          inheritance,
          virtual: inheritance && (constCount(attrOf(a, C.DW_AT_virtuality)) ?? 0) !== 0,
          artificial: flagOf(a, C.DW_AT_artificial),
        }),
      );
    });
    return new StructType(this, ref, tag, { ...info, exportSymbols: flagOf(attrs, C.DW_AT_export_symbols) }, STRUCTS[tag]!, members);
  }

  private readArray(ref: DieRef, info: TypeInfo, attrs: readonly Attribute[], cursor: ReturnType<typeof dieAt>['cursor']): ArrayType {
    const { unit } = ref;
    let language: number | undefined;
    try {
      language = unit.root().language;
    } catch {
      language = undefined;
    }
    const defaultLower = language !== undefined && ONE_BASED.has(language) ? 1 : 0;
    const dims: ArrayDimension[] = [];
    forEachChild(cursor, (c) => {
      if (c.tag === C.DW_TAG_subrange_type) {
        const a = c.attrs();
        const lower = constSigned(attrOf(a, C.DW_AT_lower_bound)) ?? defaultLower;
        let count = constCount(attrOf(a, C.DW_AT_count));
        if (count === undefined) {
          const upper = constSigned(attrOf(a, C.DW_AT_upper_bound));
          // gcc writes upper bound -1 (or all ones) for a zero-length array.
          if (upper !== undefined) count = Math.max(0, upper - lower + 1);
          else {
            const raw = attrOf(a, C.DW_AT_upper_bound);
            const u = raw ? constInteger(raw, false) : undefined;
            if (u !== undefined && (u === 0xffffffffn || u === 0xffffffffffffffffn)) count = 0;
          }
        }
        dims.push({ lowerBound: lower, count });
      } else if (c.tag === C.DW_TAG_enumeration_type) {
        // An array indexed by an enumeration (Pascal, Ada): as many elements as enumerators.
        let n = 0;
        forEachChild(c, (e) => {
          if (e.tag === C.DW_TAG_enumerator) n++;
        });
        dims.push({ lowerBound: 0, count: n });
      }
    });
    if (!dims.length) dims.push({ lowerBound: defaultLower });
    return new ArrayType(this, ref, C.DW_TAG_array_type, info, this.typeRef(unit, attrs, ref.offset), dims);
  }

  private readEnum(ref: DieRef, info: TypeInfo, attrs: readonly Attribute[], cursor: ReturnType<typeof dieAt>['cursor']): EnumType {
    const { unit } = ref;
    const underlyingRef = this.typeRef(unit, attrs, ref.offset);
    let signed = false;
    if (underlyingRef) {
      const base = this.typeAt(underlyingRef).strip();
      signed = base?.kind === 'base' && (base.encoding === C.DW_ATE_signed || base.encoding === C.DW_ATE_signed_char);
    } else {
      const enc = constCount(attrOf(attrs, C.DW_AT_encoding));
      signed = enc === C.DW_ATE_signed;
    }
    const enumerators: Enumerator[] = [];
    forEachChild(cursor, (c) => {
      if (c.tag !== C.DW_TAG_enumerator) return;
      const a = c.attrs();
      const v = attrOf(a, C.DW_AT_const_value);
      const value = v ? constInteger(v, signed) : undefined;
      enumerators.push({ name: stringOf(unit, a, C.DW_AT_name) ?? '', value: value ?? 0n });
    });
    return new EnumType(this, ref, C.DW_TAG_enumeration_type, { ...info, enumClass: flagOf(attrs, C.DW_AT_enum_class) }, underlyingRef, enumerators);
  }

  private readFunction(ref: DieRef, info: TypeInfo, attrs: readonly Attribute[], cursor: ReturnType<typeof dieAt>['cursor']): FunctionType {
    const { unit } = ref;
    const params: (DieRef | undefined)[] = [];
    let variadic = false;
    forEachChild(cursor, (c) => {
      if (c.tag === C.DW_TAG_formal_parameter) params.push(this.typeRef(unit, c.attrs(), c.offset));
      else if (c.tag === C.DW_TAG_unspecified_parameters) variadic = true;
    });
    return new FunctionType(this, ref, C.DW_TAG_subroutine_type, { ...info, prototyped: flagOf(attrs, C.DW_AT_prototyped) }, this.typeRef(unit, attrs, ref.offset), params, variadic);
  }
}
