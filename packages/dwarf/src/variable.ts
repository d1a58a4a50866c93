import type { Attribute } from './attribute.js';
import * as C from './constants.js';
import { constValue, type ConstValue } from './const-value.js';
import { attrOf, flagOf } from './die-ref.js';
import type { Operation } from './expression.js';
import { formClass } from './forms.js';
import type { DieRef, DwarfType, TypeResolver } from './type.js';
import { isSignedInteger } from './type-facts.js';

/** Where a global variable lives, from its DW_AT_location expression. */
export interface StaticLocation {
  /** The address, for `DW_OP_addr A` / `DW_OP_addrx i` (optionally `+ DW_OP_plus_uconst N`). */
  readonly address?: bigint;
  /** For a thread-local variable (`… DW_OP_form_tls_address`): the offset in the thread's TLS block. */
  readonly tlsOffset?: bigint;
}

/**
 * A variable with static storage (a global, a C++ static member): its
 * name, type, and the address DW_AT_location gives. Addresses are link
 * addresses, as the DWARF has them: add a load bias for PIE.
 */
export class DwarfVariable {
  /** The name looked up (qualified with namespaces and classes in C++). */
  readonly name: string;
  /** The DIE that defines the variable (the one with DW_AT_location). */
  readonly die: DieRef;
  readonly typeRef?: DieRef;
  /** DW_AT_external. */
  readonly external: boolean;
  /** True when only a declaration was found (no location: defined in another file or optimized out). */
  readonly declaration: boolean;
  /** The decoded DW_AT_location expression, when it is one (not a location list). */
  readonly location?: readonly Operation[];
  readonly address?: bigint;
  readonly tlsOffset?: bigint;
  /** DW_AT_const_value, for a variable the compiler folded into a constant. */
  readonly constValue?: ConstValue;
  private readonly resolver: TypeResolver;

  constructor(resolver: TypeResolver, name: string, die: DieRef, attrs: readonly Attribute[], typeRef: DieRef | undefined, declaration: boolean) {
    this.resolver = resolver;
    this.name = name;
    this.die = die;
    this.typeRef = typeRef;
    this.external = flagOf(attrs, C.DW_AT_external);
    this.declaration = declaration;
    const loc = attrOf(attrs, C.DW_AT_location);
    if (loc && (formClass(loc.form) === 'exprloc' || formClass(loc.form) === 'block')) {
      this.location = die.unit.expression(loc.value as Uint8Array);
      const s = staticLocation(die, this.location);
      this.address = s.address;
      this.tlsOffset = s.tlsOffset;
    }
    const cv = attrOf(attrs, C.DW_AT_const_value);
    if (cv) this.constValue = constValue(die.unit, cv, typeRef ? isSignedInteger(resolver.typeAt(typeRef)) : false);
  }

  /** The variable's type. */
  get type(): DwarfType | undefined {
    return this.typeRef ? this.resolver.typeAt(this.typeRef) : undefined;
  }
}

/** The address or TLS offset a location expression names, when it is one of the static shapes. */
function staticLocation(die: DieRef, ops: readonly Operation[]): StaticLocation {
  const first = ops[0];
  if (!first) return {};
  const num = (op: Operation | undefined) => {
    const v = op?.operands[0];
    return typeof v === 'number' || typeof v === 'bigint' ? BigInt.asUintN(64, BigInt(v)) : undefined;
  };
  let address: bigint | undefined;
  if (first.op === C.DW_OP_addr) address = num(first);
  else if (first.op === C.DW_OP_addrx || first.op === C.DW_OP_GNU_addr_index) {
    const i = num(first);
    if (i !== undefined && i <= 0xffffffffn) address = die.unit.addressAtIndex(Number(i));
  }
  if (address !== undefined) {
    if (ops.length === 1) return { address };
    if (ops.length === 2 && ops[1]!.op === C.DW_OP_plus_uconst) return { address: BigInt.asUintN(64, address + num(ops[1])!) };
  }
  const last = ops[ops.length - 1]!;
  if (ops.length === 2 && (last.op === C.DW_OP_form_tls_address || last.op === C.DW_OP_GNU_push_tls_address)) {
    const base = first.op >= C.DW_OP_lit0 && first.op <= C.DW_OP_lit31 ? BigInt(first.op - C.DW_OP_lit0) : (address ?? num(first));
    if (base !== undefined) return { tlsOffset: base };
  }
  return {};
}
