import * as C from './constants.js';
import { circular, isQualifier, type DwarfType } from './type.js';

/** True for a type of Go's DWARF (it names every type, pointers and slices too, in Go syntax). */
export function isGoType(t: DwarfType): boolean {
  if (t.goKind !== undefined) return true;
  try {
    return t.die.unit.root().language === C.DW_LANG_Go;
  } catch {
    return false;
  }
}

const keyword: Partial<Record<DwarfType['kind'], string>> = { struct: 'struct', class: 'class', union: 'union', interface: 'interface', enum: 'enum' };

/**
 * The name of a type as its language writes it: Go's own names
 * (`*runtime.g`, `[]uint8`), C and C++ spelled out (`const char *`,
 * `struct point`, `void (*)(int, ...)`, `int [4]`).
 */
export function typeName(t: DwarfType | undefined): string {
  return declaration(t, '');
}

/**
 * A C declaration of `name` with type `t` (`void (*cb)(int, ...)`,
 * `struct flags fl[2][3]`, `const char *name`); for Go types the type's
 * name, a space and `name`.
 */
export function declaration(t: DwarfType | undefined, name: string): string {
  return declare(t, name, 0).trimEnd();
}

function join(base: string, inner: string): string {
  return inner ? `${base} ${inner}` : base;
}

function declare(t: DwarfType | undefined, inner: string, depth: number): string {
  if (!t) return join('void', inner);
  if (depth > 64) throw circular(t.die);
  if (t.name !== undefined && (t.kind !== 'pointer' || isGoType(t))) {
    const kw = keyword[t.kind];
    return join(kw && !isGoType(t) ? `${kw} ${t.name}` : t.name, inner);
  }
  switch (t.kind) {
    case 'pointer':
    case 'reference':
    case 'rvalue-reference': {
      const sym = t.kind === 'pointer' ? '*' : t.kind === 'reference' ? '&' : '&&';
      const target = t.target;
      const wrap = target && (target.kind === 'function' || target.kind === 'array') && target.name === undefined;
      return declare(target, wrap ? `(${sym}${inner})` : sym + inner, depth + 1);
    }
    case 'ptr-to-member': {
      const cls = t.containing;
      return declare(t.target, `${cls ? typeName(cls).replace(/^(struct|class|union) /, '') : '?'}::*${inner}`, depth + 1);
    }
    case 'array': {
      const dims = t.dimensions.map((d) => `[${d.count ?? ''}]`).join('') || '[]';
      return declare(t.element, (inner ? inner : '') + dims, depth + 1);
    }
    case 'function': {
      const params = t.params.map((p) => typeName(p));
      if (t.variadic) params.push('...');
      const list = params.length ? params.join(', ') : t.prototyped ? 'void' : '';
      return declare(t.returnType, `${inner || ''}(${list})`, depth + 1);
    }
    case 'typedef':
      return join('?', inner);
    default:
      if (isQualifier(t.kind)) {
        const target = (t as { target?: DwarfType }).target;
        const q = t.kind === 'atomic' ? '_Atomic' : t.kind;
        // A qualified pointer qualifies the pointer: `char *const p`.
        if (target && target.name === undefined && (target.kind === 'pointer' || target.kind === 'reference')) return declare(target, `${q} ${inner}`.trimEnd(), depth + 1);
        return `${q} ${declare(target, inner, depth + 1)}`;
      }
      if (keyword[t.kind]) return join(`${keyword[t.kind]} {...}`, inner);
      return join(t.kind === 'base' ? '?' : `<${t.kind}>`, inner);
  }
}
