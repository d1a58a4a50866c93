import type { ConstValue } from './const-value.js';
import type { DieRef, DwarfType, TypeResolver } from './type.js';
import { TypeLookupError } from './type-lookup-error.js';

/**
 * A named compile-time constant: a DW_TAG_constant (Go writes its
 * package-level constants this way: `runtime._Gwaiting`) or an
 * enumerator of an enumeration (`SHAPE_RECT`).
 */
export class DwarfConstant {
  /** The name looked up (C++: qualified). */
  readonly name: string;
  readonly die: DieRef;
  /** `constant` for DW_TAG_constant, `enumerator` for a member of an enumeration. */
  readonly source: 'constant' | 'enumerator';
  /** The value: an integer (signed or not by its type), a string, or a block's bytes; undefined when the DIE has none. */
  readonly value: ConstValue | undefined;
  readonly typeRef?: DieRef;
  private readonly resolver: TypeResolver;

  constructor(resolver: TypeResolver, name: string, die: DieRef, source: DwarfConstant['source'], value: ConstValue | undefined, typeRef: DieRef | undefined) {
    this.resolver = resolver;
    this.name = name;
    this.die = die;
    this.source = source;
    this.value = value;
    this.typeRef = typeRef;
  }

  /** The constant's type (an enumerator's: its enumeration). */
  get type(): DwarfType | undefined {
    return this.typeRef ? this.resolver.typeAt(this.typeRef) : undefined;
  }

  /** The value as a number; a {@link TypeLookupError} when it is not an integer that fits one exactly. */
  get number(): number {
    const v = this.value;
    if (typeof v !== 'bigint' || v > 0x1fffffffffffffn || v < -0x1fffffffffffffn) throw new TypeLookupError('constant', this.name, `constant ${this.name} is not an integer that fits a number (${v instanceof Uint8Array ? `${v.length} bytes` : String(v)})`);
    return Number(v);
  }
}
