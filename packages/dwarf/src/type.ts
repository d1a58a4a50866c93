import { ParseError } from '@elfkit/binary';
import type { Unit } from './unit.js';
import { findMemberPath, type MemberAt } from './member-path.js';

/** What a {@link DwarfType} is, after its DIE tag. */
export type TypeKind =
  | 'base'
  | 'pointer'
  | 'reference'
  | 'rvalue-reference'
  | 'ptr-to-member'
  | 'typedef'
  | 'const'
  | 'volatile'
  | 'restrict'
  | 'atomic'
  | 'immutable'
  | 'packed'
  | 'shared'
  | 'struct'
  | 'class'
  | 'union'
  | 'interface'
  | 'array'
  | 'enum'
  | 'function'
  | 'unspecified'
  | 'other';

/** A DIE: the unit it is in and its section offset. */
export interface DieRef {
  readonly unit: Unit;
  readonly offset: number;
}

/** Turns references into types (the type reader behind every type; types are read lazily through it). */
export interface TypeResolver {
  /** The type whose DIE `ref` is (cached: the same object each time). */
  typeAt(ref: DieRef): DwarfType;
}

/** Facts every type DIE may carry. */
export interface TypeInfo {
  readonly name?: string;
  /** DW_AT_byte_size as given (see {@link TypeBase.size} for the resolved size). */
  readonly byteSize?: number;
  /** DW_AT_GO_kind: the reflect.Kind of a Go type. */
  readonly goKind?: number;
  /** DW_AT_declaration: an incomplete type (its definition is elsewhere). */
  readonly declaration?: boolean;
}

/** How deep a chain of typedefs, qualifiers and array elements may go before it is called circular. */
const MAX_CHAIN = 64;

/** The parts every type shares: where its DIE is, its name, size and Go kind. */
export abstract class TypeBase {
  abstract readonly kind: TypeKind;
  /** The DIE's tag (DW_TAG_*). */
  readonly tag: number;
  readonly die: DieRef;
  readonly name?: string;
  readonly byteSize?: number;
  readonly goKind?: number;
  readonly declaration: boolean;
  protected readonly resolver: TypeResolver;

  constructor(resolver: TypeResolver, die: DieRef, tag: number, info: TypeInfo) {
    this.resolver = resolver;
    this.die = die;
    this.tag = tag;
    this.name = info.name;
    this.byteSize = info.byteSize;
    this.goKind = info.goKind;
    this.declaration = info.declaration ?? false;
  }

  /** Section offset of the type's DIE. */
  get offset(): number {
    return this.die.offset;
  }

  /**
   * The size in bytes: DW_AT_byte_size, else what the type implies
   * (a pointer's address size, a typedef's or qualifier's target, an
   * array's element size times its counts). Undefined when unknown
   * (void, an incomplete struct).
   */
  get size(): number | undefined {
    return this.sizeAt(0);
  }

  /** {@link size} with the depth of the chain walked so far (a circular chain is a ParseError). */
  sizeAt(depth: number): number | undefined {
    void depth;
    return this.byteSize;
  }

  /**
   * The type under typedefs and qualifiers (`const`, `volatile`,
   * `restrict`, `atomic`…): what a value of this type is. Undefined for
   * `void`. A circular chain is a ParseError.
   */
  strip(): DwarfType | undefined {
    let t: DwarfType | undefined = this as unknown as DwarfType;
    for (let i = 0; t && (t.kind === 'typedef' || isQualifier(t.kind)); i++) {
      if (i > MAX_CHAIN) throw circular(this.die);
      t = (t as TypedefType | QualifiedType).target;
    }
    return t;
  }

  /**
   * The member at `path` (`sched.sp`, `atomicstatus.value`, `u.rect.min`,
   * `regs[2]`), with its offset from the start of this type. Names are
   * looked up in this struct, then in its anonymous members, Go embedded
   * fields and C++ base classes (shallowest first, as Go and C++ promote
   * them); typedefs and qualifiers are looked through. Throws
   * {@link TypeLookupError} when there is no such member.
   */
  member(path: string): MemberAt {
    return findMemberPath(this as unknown as DwarfType, path, true)!;
  }

  /** As {@link member}, but undefined when there is no such member. */
  findMember(path: string): MemberAt | undefined {
    return findMemberPath(this as unknown as DwarfType, path, false);
  }

  /** The offset of the member at `path` from the start of this type (see {@link member}). */
  offsetOf(path: string): number {
    return this.member(path).offset;
  }
}

/** True for the qualifier kinds, which change no layout. */
export function isQualifier(kind: TypeKind): boolean {
  switch (kind) {
    case 'const':
    case 'volatile':
    case 'restrict':
    case 'atomic':
    case 'immutable':
    case 'packed':
    case 'shared':
      return true;
    default:
      return false;
  }
}

/** The ParseError for a chain of types that never ends. */
export function circular(die: DieRef): ParseError {
  return new ParseError('invalid', `the type at 0x${die.offset.toString(16)} is part of a circular chain of types`, die.unit.sectionName, die.offset);
}

/** DW_TAG_base_type: an integer, float, boolean or character of some size. */
export class BaseType extends TypeBase {
  readonly kind = 'base';
  /** DW_AT_encoding (DW_ATE_*). */
  readonly encoding?: number;
  /** DW_AT_bit_size, when the value occupies fewer bits than its bytes. */
  readonly bitSize?: number;
  constructor(resolver: TypeResolver, die: DieRef, tag: number, info: TypeInfo & { encoding?: number; bitSize?: number }) {
    super(resolver, die, tag, info);
    this.encoding = info.encoding;
    this.bitSize = info.bitSize;
  }
}

/** DW_TAG_unspecified_type (`decltype(nullptr)`, `void` from some producers) and other types without a layout. */
export class UnspecifiedType extends TypeBase {
  readonly kind = 'unspecified';
}

/** A type DIE of a tag this reader has no model for (Fortran strings, Pascal sets, …). */
export class OtherType extends TypeBase {
  readonly kind = 'other';
}

/** A type that refers to one other type (pointers, typedefs, qualifiers). */
abstract class TargetType extends TypeBase {
  /** Where DW_AT_type points; undefined for `void`. */
  readonly targetRef?: DieRef;
  constructor(resolver: TypeResolver, die: DieRef, tag: number, info: TypeInfo, targetRef: DieRef | undefined) {
    super(resolver, die, tag, info);
    this.targetRef = targetRef;
  }
  /** The type referred to; undefined for `void`. */
  get target(): DwarfType | undefined {
    return this.targetRef ? this.resolver.typeAt(this.targetRef) : undefined;
  }
}

/** Pointers and C++ references: DW_TAG_pointer_type, reference_type, rvalue_reference_type. */
export class PointerType extends TargetType {
  readonly kind: 'pointer' | 'reference' | 'rvalue-reference';
  constructor(resolver: TypeResolver, die: DieRef, tag: number, info: TypeInfo, targetRef: DieRef | undefined, kind: 'pointer' | 'reference' | 'rvalue-reference') {
    super(resolver, die, tag, info, targetRef);
    this.kind = kind;
  }
  override sizeAt(): number | undefined {
    return this.byteSize ?? this.die.unit.header.addressSize;
  }
}

/** DW_TAG_ptr_to_member_type: a C++ pointer to a member of `containing`. */
export class PtrToMemberType extends TargetType {
  readonly kind = 'ptr-to-member';
  readonly containingRef?: DieRef;
  constructor(resolver: TypeResolver, die: DieRef, tag: number, info: TypeInfo, targetRef: DieRef | undefined, containingRef: DieRef | undefined) {
    super(resolver, die, tag, info, targetRef);
    this.containingRef = containingRef;
  }
  /** The class whose member is pointed to. */
  get containing(): DwarfType | undefined {
    return this.containingRef ? this.resolver.typeAt(this.containingRef) : undefined;
  }
}

/** DW_TAG_typedef: another name for its target. */
export class TypedefType extends TargetType {
  readonly kind = 'typedef';
  override sizeAt(depth: number): number | undefined {
    if (this.byteSize !== undefined) return this.byteSize;
    if (depth > MAX_CHAIN) throw circular(this.die);
    return this.target?.sizeAt(depth + 1);
  }
}

/** const, volatile, restrict, _Atomic and the D/UPC qualifiers: the target with a qualifier. */
export class QualifiedType extends TargetType {
  readonly kind: 'const' | 'volatile' | 'restrict' | 'atomic' | 'immutable' | 'packed' | 'shared';
  constructor(resolver: TypeResolver, die: DieRef, tag: number, info: TypeInfo, targetRef: DieRef | undefined, kind: QualifiedType['kind']) {
    super(resolver, die, tag, info, targetRef);
    this.kind = kind;
  }
  override sizeAt(depth: number): number | undefined {
    if (this.byteSize !== undefined) return this.byteSize;
    if (depth > MAX_CHAIN) throw circular(this.die);
    return this.target?.sizeAt(depth + 1);
  }
}

/** One member of a struct, class or union: a data member, an anonymous member, or a C++ base class. */
export class Member {
  /** The member's DIE. */
  readonly die: DieRef;
  /** Undefined for anonymous members (C11 anonymous struct/union) and base classes. */
  readonly name?: string;
  readonly typeRef?: DieRef;
  /**
   * Byte offset from the start of the containing type, as
   * DW_AT_data_member_location gives it (a constant or an expression
   * evaluated from 0); undefined when it depends on the object (a virtual
   * base class). For a bit field: see {@link offset}.
   */
  readonly location?: number;
  /** For a bit field: its width in bits. */
  readonly bitSize?: number;
  /**
   * For a bit field: its first bit counted from the start of the
   * containing type, as DW_AT_data_bit_offset counts (DWARF 2/3's
   * DW_AT_bit_offset is converted for the byte order).
   */
  readonly bitOffset?: number;
  /** A Go embedded field (DW_AT_GO_embedded_field), a C anonymous member, or a C++ base class: its members are promoted. */
  readonly embedded: boolean;
  /** A C++ base class (DW_TAG_inheritance). */
  readonly inheritance: boolean;
  /** DW_AT_virtuality set on a base class. */
  readonly virtual: boolean;
  readonly artificial: boolean;
  private readonly resolver: TypeResolver;

  constructor(
    resolver: TypeResolver,
    m: {
      die: DieRef;
      name?: string;
      typeRef?: DieRef;
      location?: number;
      bitSize?: number;
      bitOffset?: number;
      embedded: boolean;
      inheritance: boolean;
      virtual: boolean;
      artificial: boolean;
    },
  ) {
    this.resolver = resolver;
    this.die = m.die;
    this.name = m.name;
    this.typeRef = m.typeRef;
    this.location = m.location;
    this.bitSize = m.bitSize;
    this.bitOffset = m.bitOffset;
    this.embedded = m.embedded;
    this.inheritance = m.inheritance;
    this.virtual = m.virtual;
    this.artificial = m.artificial;
  }

  /** The member's type. */
  get type(): DwarfType | undefined {
    return this.typeRef ? this.resolver.typeAt(this.typeRef) : undefined;
  }

  /** The size of the member's type in bytes (for a bit field, its storage unit's). */
  get size(): number | undefined {
    return this.type?.size;
  }

  /**
   * Byte offset from the start of the containing type. For a bit field,
   * the offset of the storage unit of its type's size that holds its first
   * bit (as pahole prints it); {@link bitInUnit} is the bit inside it.
   */
  get offset(): number | undefined {
    if (this.bitOffset === undefined) return this.location;
    const unit = this.storageUnit();
    return unit === 0 ? Math.floor(this.bitOffset / 8) : Math.floor(this.bitOffset / (unit * 8)) * unit;
  }

  /** For a bit field: its first bit inside the storage unit at {@link offset}. */
  get bitInUnit(): number | undefined {
    if (this.bitOffset === undefined) return undefined;
    return this.bitOffset - this.offset! * 8;
  }

  private storageUnit(): number {
    const s = this.size;
    return s !== undefined && s > 0 && s <= 16 ? s : 0;
  }
}

/** DW_TAG_structure_type, class_type, union_type, interface_type: a type with members. */
export class StructType extends TypeBase {
  readonly kind: 'struct' | 'class' | 'union' | 'interface';
  /** Data members, anonymous members and base classes in DIE order (static members, methods and nested types are not members). */
  readonly members: readonly Member[];
  /** DW_AT_calling_convention / packed facts are not modelled; DW_AT_export_symbols marks a C++ anonymous union whose members belong to the parent. */
  readonly exportSymbols: boolean;
  constructor(resolver: TypeResolver, die: DieRef, tag: number, info: TypeInfo & { exportSymbols?: boolean }, kind: StructType['kind'], members: Member[]) {
    super(resolver, die, tag, info);
    this.kind = kind;
    this.members = members;
    this.exportSymbols = info.exportSymbols ?? false;
  }
}

/** One dimension of an array. */
export interface ArrayDimension {
  /** DW_AT_lower_bound, or the language's default (0; 1 for Fortran, Ada, Pascal…). */
  readonly lowerBound: number;
  /** The number of elements; undefined when unknown (a flexible array member, a VLA). */
  readonly count?: number;
}

/** DW_TAG_array_type: elements of one type in one or more dimensions. */
export class ArrayType extends TypeBase {
  readonly kind = 'array';
  readonly elementRef?: DieRef;
  readonly dimensions: readonly ArrayDimension[];
  constructor(resolver: TypeResolver, die: DieRef, tag: number, info: TypeInfo, elementRef: DieRef | undefined, dimensions: ArrayDimension[]) {
    super(resolver, die, tag, info);
    this.elementRef = elementRef;
    this.dimensions = dimensions;
  }
  /** The element type. */
  get element(): DwarfType | undefined {
    return this.elementRef ? this.resolver.typeAt(this.elementRef) : undefined;
  }
  /** Elements in all dimensions; undefined when a count is unknown. */
  get count(): number | undefined {
    let n = 1;
    for (const d of this.dimensions) {
      if (d.count === undefined) return undefined;
      n *= d.count;
    }
    return n;
  }
  /**
   * What one index selects: the element type for one dimension, else an
   * array of the element type over the dimensions after the first.
   */
  row(): DwarfType | undefined {
    if (this.dimensions.length <= 1) return this.element;
    return new ArrayType(this.resolver, this.die, this.tag, { goKind: this.goKind }, this.elementRef, this.dimensions.slice(1));
  }
  /** DW_AT_byte_size, else elements times element size; 0 when a count is unknown (a flexible array takes no room). */
  override sizeAt(depth: number): number | undefined {
    if (this.byteSize !== undefined) return this.byteSize;
    if (depth > MAX_CHAIN) throw circular(this.die);
    const n = this.count;
    if (n === undefined) return 0;
    const e = this.element?.sizeAt(depth + 1);
    return e === undefined ? undefined : n * e;
  }
}

/** One named value of an enumeration. */
export interface Enumerator {
  readonly name: string;
  readonly value: bigint;
}

/** DW_TAG_enumeration_type. */
export class EnumType extends TypeBase {
  readonly kind = 'enum';
  readonly enumerators: readonly Enumerator[];
  /** DW_AT_type: the underlying integer type. */
  readonly underlyingRef?: DieRef;
  /** DW_AT_enum_class: a C++ scoped enumeration. */
  readonly enumClass: boolean;
  constructor(resolver: TypeResolver, die: DieRef, tag: number, info: TypeInfo & { enumClass?: boolean }, underlyingRef: DieRef | undefined, enumerators: Enumerator[]) {
    super(resolver, die, tag, info);
    this.underlyingRef = underlyingRef;
    this.enumerators = enumerators;
    this.enumClass = info.enumClass ?? false;
  }
  get underlying(): DwarfType | undefined {
    return this.underlyingRef ? this.resolver.typeAt(this.underlyingRef) : undefined;
  }
  override sizeAt(depth: number): number | undefined {
    if (this.byteSize !== undefined) return this.byteSize;
    if (depth > MAX_CHAIN) throw circular(this.die);
    return this.underlying?.sizeAt(depth + 1);
  }
}

/** DW_TAG_subroutine_type: a function's signature (what a function pointer points to). */
export class FunctionType extends TypeBase {
  readonly kind = 'function';
  readonly returnRef?: DieRef;
  readonly paramRefs: readonly (DieRef | undefined)[];
  /** Ends with `...` (DW_TAG_unspecified_parameters). */
  readonly variadic: boolean;
  /** DW_AT_prototyped (C: declared with a parameter list). */
  readonly prototyped: boolean;
  constructor(resolver: TypeResolver, die: DieRef, tag: number, info: TypeInfo & { prototyped?: boolean }, returnRef: DieRef | undefined, paramRefs: (DieRef | undefined)[], variadic: boolean) {
    super(resolver, die, tag, info);
    this.returnRef = returnRef;
    this.paramRefs = paramRefs;
    this.variadic = variadic;
    this.prototyped = info.prototyped ?? false;
  }
  /** The return type; undefined for `void`. */
  get returnType(): DwarfType | undefined {
    return this.returnRef ? this.resolver.typeAt(this.returnRef) : undefined;
  }
  /** The parameter types in order (undefined where a parameter has no type). */
  get params(): (DwarfType | undefined)[] {
    return this.paramRefs.map((r) => (r ? this.resolver.typeAt(r) : undefined));
  }
}

/** A type read from DWARF; narrow it by `kind`. */
export type DwarfType = BaseType | UnspecifiedType | OtherType | PointerType | PtrToMemberType | TypedefType | QualifiedType | StructType | ArrayType | EnumType | FunctionType;
