import { Inode, type FileKind } from './inode.js';

/** Linux's limit on symlinks followed in one lookup (MAXSYMLINKS). */
export const MAX_SYMLINK_HOPS = 40;

/** A name in the tree. */
export class FsNode<F = unknown> {
  children?: Map<string, FsNode<F>>;
  /** Layer of the entry that last set this name (-1: made implicitly as a parent). */
  own: number;
  /** Highest layer of any entry at or below this name (for opaque whiteouts applied "first"). */
  sub: number;

  constructor(
    readonly name: string,
    public parent: FsNode<F> | null,
    public inode: Inode<F>,
    layer: number,
  ) {
    this.own = layer;
    this.sub = layer;
    if (inode.kind === 'directory') this.children = new Map();
  }

  /** The node's path from the root, without a leading slash (`usr/bin/ls`; the root is ``). */
  get path(): string {
    const parts: string[] = [];
    for (let n: FsNode<F> | null = this; n && n.parent; n = n.parent) parts.push(n.name);
    return parts.reverse().join('/');
  }
}

/** The result of a lookup. */
export type Lookup<F> =
  | { readonly found: FsNode<F> }
  | { readonly missing: true; readonly dir: FsNode<F>; readonly rest: readonly string[] }
  | { readonly loop: true }
  | { readonly notDir: FsNode<F> };

/** Splits a path into its names, dropping empty and `.` parts (`..` is kept for resolution). */
export function splitPath(p: string): string[] {
  return p.split('/').filter((x) => x !== '' && x !== '.');
}

/** Resolves `..` lexically, clamped at the root, as a runtime cleans an entry's name: the names, and whether it tried to leave the root. */
export function cleanEntryParts(p: string): { parts: string[]; escaped: boolean } {
  const out: string[] = [];
  let escaped = false;
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length === 0) escaped = true;
      else out.pop();
    } else out.push(part);
  }
  return { parts: out, escaped };
}

/**
 * A file system tree built in memory from layer entries, as a container
 * runtime would build it on disk: symlinks resolved with the image root as
 * `/` (absolute targets stay inside, `..` stops at the root, loops are
 * detected), parents resolved through symlinks the way umoci and
 * containerd resolve them, hard links sharing one {@link Inode}.
 */
export class FileTree<F = unknown> {
  readonly root: FsNode<F>;
  /** Names in the tree (the root not counted). */
  size = 0;

  constructor() {
    this.root = new FsNode<F>('', null, new Inode<F>('directory', 0o755, 0, 0, 0, 0, '', -1, 0), -1);
  }

  /**
   * Looks `path` up from the root. Symlinks in the parents are always
   * followed; the last one only with `follow`.
   */
  lookup(path: string | readonly string[], follow: boolean): Lookup<F> {
    const queue = typeof path === 'string' ? splitPath(path) : [...path];
    let cur = this.root;
    let hops = 0;
    let i = 0;
    while (i < queue.length) {
      const part = queue[i++]!;
      if (part === '..') {
        cur = cur.parent ?? this.root;
        continue;
      }
      if (cur.inode.kind !== 'directory') return { notDir: cur };
      const child = cur.children!.get(part);
      if (!child) return { missing: true, dir: cur, rest: queue.slice(i - 1) };
      if (child.inode.kind === 'symlink' && (i < queue.length || follow)) {
        if (++hops > MAX_SYMLINK_HOPS) return { loop: true };
        const target = child.inode.target;
        if (target.startsWith('/')) cur = this.root;
        queue.splice(0, i, ...splitPath(target));
        i = 0;
        continue;
      }
      cur = child;
    }
    return { found: cur };
  }

  /** The node at `path` (symlinks followed, the last one too when `follow`), or undefined. */
  get(path: string, follow = true): FsNode<F> | undefined {
    const r = this.lookup(path, follow);
    return 'found' in r ? r.found : undefined;
  }

  /**
   * The directory for an entry's parent names, following symlinks; missing
   * directories are made (mode 0755, owned by root, as `mkdir -p`).
   * Returns a reason when a parent is not a directory or loops.
   */
  parentDir(parts: readonly string[], layer: number, create: boolean): FsNode<F> | 'loop' | 'not-dir' | 'missing' {
    const r = this.lookup(parts, true);
    if ('found' in r) return r.found.inode.kind === 'directory' ? r.found : 'not-dir';
    if ('loop' in r) return 'loop';
    if ('notDir' in r) return 'not-dir';
    if (!create) return 'missing';
    let dir = r.dir;
    for (const part of r.rest) {
      if (part === '..') {
        dir = dir.parent ?? this.root;
        continue;
      }
      const existing = dir.children!.get(part);
      if (existing) {
        // Only reachable after a `..` in a symlink's target: resolve again.
        const again = this.parentDir([...pathParts(existing)], layer, create);
        if (typeof again === 'string') return again;
        dir = again;
        continue;
      }
      const n = new FsNode<F>(part, dir, new Inode<F>('directory', 0o755, 0, 0, 0, 0, '', layer, 0), -1);
      n.inode.links = 1;
      dir.children!.set(part, n);
      this.size++;
      dir = n;
    }
    return dir;
  }

  /** Adds (or replaces) `name` in `dir` for an entry of `layer`. A directory over a directory keeps its children. */
  put(dir: FsNode<F>, name: string, inode: Inode<F>, layer: number): FsNode<F> {
    const existing = dir.children!.get(name);
    let node: FsNode<F>;
    if (existing && existing.inode.kind === 'directory' && inode.kind === 'directory') {
      existing.inode.links--;
      existing.inode = inode;
      existing.own = layer;
      node = existing;
    } else {
      if (existing) this.remove(existing);
      node = new FsNode<F>(name, dir, inode, layer);
      dir.children!.set(name, node);
      this.size++;
    }
    inode.links++;
    node.own = layer;
    this.touch(node, layer);
    return node;
  }

  /** Records that `layer` wrote at `node`, up to the root. */
  private touch(node: FsNode<F>, layer: number): void {
    for (let n: FsNode<F> | null = node; n && n.sub < layer; n = n.parent) n.sub = layer;
    node.sub = Math.max(node.sub, layer);
  }

  /** Removes `node` and everything below it. */
  remove(node: FsNode<F>): void {
    node.parent?.children!.delete(node.name);
    const drop = (n: FsNode<F>) => {
      n.inode.links--;
      this.size--;
      if (n.children) for (const c of n.children.values()) drop(c);
    };
    drop(node);
    node.parent = null;
  }

  /**
   * `.wh..wh..opq` in `dir` from `layer`: hides every lower-layer name below
   * `dir`, as if applied before the layer's other entries.
   */
  opaque(dir: FsNode<F>, layer: number): void {
    for (const c of [...dir.children!.values()]) {
      if (c.sub < layer) this.remove(c);
      else if (c.children) this.opaque(c, layer);
    }
  }

  /** `.wh.NAME` in `dir` from `layer`: hides NAME from lower layers (not what this layer put there). */
  whiteout(dir: FsNode<F>, name: string, layer: number): boolean {
    const c = dir.children!.get(name);
    if (!c) return false;
    if (c.sub < layer) this.remove(c);
    else if (c.children) this.opaque(c, layer);
    return true;
  }

  /** Every name below `from` in path order (parents before children, siblings sorted by name). */
  *walk(from: FsNode<F> = this.root): Generator<FsNode<F>> {
    if (!from.children) return;
    const names = [...from.children.keys()].sort(compareNames);
    for (const name of names) {
      const c = from.children.get(name)!;
      yield c;
      if (c.children) yield* this.walk(c);
    }
  }
}

function pathParts<F>(n: FsNode<F>): string[] {
  return splitPath(n.path);
}

/** Byte-wise order of names (as `sort` in the C locale). */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export type { FileKind };
