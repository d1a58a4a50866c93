import type { Attribute } from './attribute.js';
import type { DieRef, DwarfType, TypeResolver } from './type.js';

/** One formal parameter of a function, in declaration order. */
export class FunctionParam {
  /** Undefined for an unnamed parameter. */
  readonly name?: string;
  /** The parameter's DIE (the abstract one for an inlined function's out-of-line copy). */
  readonly die: DieRef;
  readonly typeRef?: DieRef;
  /**
   * DW_AT_variable_parameter: in Go's DWARF, a result (`~r0`, or a named
   * result); in Fortran and Pascal, a parameter passed by reference.
   */
  readonly variableParameter: boolean;
  /** DW_AT_artificial: a parameter the compiler added (C++ `this`). */
  readonly artificial: boolean;
  /** DW_AT_location of the concrete function (an expression or a location list), when it has one. */
  readonly location?: Attribute;
  /** The DIE that holds {@link location}. */
  readonly locationDie?: DieRef;
  private readonly resolver: TypeResolver;

  constructor(resolver: TypeResolver, p: { name?: string; die: DieRef; typeRef?: DieRef; variableParameter: boolean; artificial: boolean; location?: Attribute; locationDie?: DieRef }) {
    this.resolver = resolver;
    this.name = p.name;
    this.die = p.die;
    this.typeRef = p.typeRef;
    this.variableParameter = p.variableParameter;
    this.artificial = p.artificial;
    this.location = p.location;
    this.locationDie = p.locationDie;
  }

  get type(): DwarfType | undefined {
    return this.typeRef ? this.resolver.typeAt(this.typeRef) : undefined;
  }
}

/**
 * A function (DW_TAG_subprogram) with its parameters. For a function the
 * compiler also inlined, the parameters come from the abstract instance
 * (all of them, in order) and the addresses and locations from the
 * out-of-line copy.
 */
export class DwarfFunction {
  readonly name: string;
  /** The DIE with the code (DW_AT_low_pc), or the declaration/abstract DIE when there is no code. */
  readonly die: DieRef;
  readonly lowPc?: bigint;
  /** One past the last byte of code. */
  readonly highPc?: bigint;
  readonly external: boolean;
  /** True when no DIE with code was found (a declaration, or inlined everywhere). */
  readonly declaration: boolean;
  readonly params: readonly FunctionParam[];
  readonly returnTypeRef?: DieRef;
  private readonly resolver: TypeResolver;

  constructor(resolver: TypeResolver, f: { name: string; die: DieRef; lowPc?: bigint; highPc?: bigint; external: boolean; declaration: boolean; params: FunctionParam[]; returnTypeRef?: DieRef }) {
    this.resolver = resolver;
    this.name = f.name;
    this.die = f.die;
    this.lowPc = f.lowPc;
    this.highPc = f.highPc;
    this.external = f.external;
    this.declaration = f.declaration;
    this.params = f.params;
    this.returnTypeRef = f.returnTypeRef;
  }

  /** DW_AT_type: the return type (C, C++); Go lists its results as parameters instead. */
  get returnType(): DwarfType | undefined {
    return this.returnTypeRef ? this.resolver.typeAt(this.returnTypeRef) : undefined;
  }
}
