import { decodeUtf8 } from '@elfkit/binary';
import { ImageError } from '../errors.js';
import { ByteQueue } from './byte-queue.js';
import { BLOCK, entryType, hasData, parseHeader, parsePax, type RawHeader, type TarEntryType } from './header.js';

/** How a sparse entry is stored (its data is packed: holes left out). */
export type SparseFormat = 'gnu' | 'pax-0.0' | 'pax-0.1' | 'pax-1.0';

/** One entry of a tar archive, with PAX and GNU long names applied. */
export interface TarEntry {
  /** Path as stored (`./usr/bin/x`, `usr/bin/`): PAX `path`, GNU long name, or ustar prefix + name. */
  readonly path: string;
  readonly type: TarEntryType;
  /** The raw typeflag character (`0`, `5`, `S`, …). */
  readonly typeflag: string;
  /** Permission and mode bits as stored (`0o4755`). */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  /** Bytes of data that follow the header (0 for header-only types). */
  readonly size: number;
  /** Modification time, seconds since the epoch (PAX may give a fraction). */
  readonly mtime: number;
  /** Target of a hard link or symlink. */
  readonly linkpath: string;
  readonly uname: string;
  readonly gname: string;
  readonly devmajor: number;
  readonly devminor: number;
  /** `SCHILY.xattr.*` PAX records, by attribute name. */
  readonly xattrs?: ReadonlyMap<string, string>;
  /** Set for sparse files: the format and the file's real (unpacked) size. */
  readonly sparse?: { readonly format: SparseFormat; readonly realSize: number };
  /** Entry number in the archive, from 0 (PAX and long-name headers not counted). */
  readonly index: number;
  /** Offset of the entry's first header block (its PAX or long-name header, when it has one). */
  readonly headerOffset: number;
  /** Offset of the entry's data. */
  readonly dataOffset: number;
}

/** Limits that keep a hostile archive from taking unbounded memory or time. */
export interface TarLimits {
  /** Largest PAX or GNU long-name header, in bytes (default 1 MiB). */
  readonly maxMetaBytes?: number;
  /** Most entries before the archive is refused (default: no limit). */
  readonly maxEntries?: number;
}

const DEFAULT_META = 1 << 20;

/**
 * Reads a tar archive from a stream, entry by entry — ustar, GNU (long
 * names and link names, base-256 numbers, sparse detection) and PAX
 * (`path`, `linkpath`, `size`, times, ids, `SCHILY.xattr.*`, global
 * headers, sparse detection). An entry's data can be streamed with
 * {@link data} before the next {@link next}; whatever is not read is
 * skipped.
 *
 * Why not tar-stream: on this machine it took 11.9 s for an archive of a
 * million empty entries (this reader: 3 to 5 s on the same, busy, two-core
 * machine), reads a GNU sparse entry as type `null` and a PAX 1.0 sparse
 * entry as a plain file named `GNUSparseFile.N/…` holding the sparse map,
 * and adds a second of stream overhead per 500 MB.
 */
export class TarReader implements AsyncIterable<TarEntry> {
  private readonly q: ByteQueue;
  private readonly maxMeta: number;
  private readonly maxEntries: number;
  private global = new Map<string, string>();
  private current?: TarEntry;
  /** Data bytes of the current entry not read yet, and its padding. */
  private left = 0;
  private pad = 0;
  private count = 0;
  private finished = false;
  /** True when the archive ended with its two zero blocks (false: the stream just stopped). */
  sawEndMarker = false;

  constructor(
    source: AsyncIterable<Uint8Array>,
    private readonly blob: string,
    limits: TarLimits = {},
  ) {
    this.q = new ByteQueue(source[Symbol.asyncIterator]());
    this.maxMeta = limits.maxMetaBytes ?? DEFAULT_META;
    this.maxEntries = limits.maxEntries ?? Infinity;
  }

  /** Bytes of the archive consumed so far. */
  get offset(): number {
    return this.q.offset;
  }

  private fail(code: 'truncated' | 'invalid' | 'not-tar' | 'too-large', reason: string, entry?: string, offset = this.q.offset): never {
    throw new ImageError(code, reason, { blob: this.blob, entry, offset });
  }

  private async block(entry: string | undefined): Promise<Uint8Array> {
    const at = this.q.offset;
    const b = await this.q.read(BLOCK);
    if (b.length < BLOCK) {
      if (at === 0) this.fail('not-tar', `not a tar archive (${b.length} bytes)`, undefined, 0);
      this.fail('truncated', `archive ends inside a header block`, entry);
    }
    return b;
  }

  private async meta(h: RawHeader, what: string, entry: string | undefined): Promise<Uint8Array> {
    if (h.size > this.maxMeta) this.fail('too-large', `${what} of ${h.size} bytes is over the ${this.maxMeta}-byte limit`, entry);
    const data = (await this.q.read(h.size)).slice();
    if (data.length < h.size) this.fail('truncated', `archive ends inside a ${what}`, entry);
    await this.q.skip(padding(h.size));
    return data;
  }

  /** The next entry, or undefined at the end of the archive. */
  async next(): Promise<TarEntry | undefined> {
    if (this.finished) return undefined;
    const prev = this.current?.path;
    if (this.left + this.pad > 0) {
      const want = this.left + this.pad;
      if ((await this.q.skip(want)) < want - this.pad) this.fail('truncated', `archive ends inside the entry's data`, prev);
      this.left = this.pad = 0;
    }
    this.current = undefined;
    let pax: Map<string, string> | undefined;
    let longName: string | undefined;
    let longLink: string | undefined;
    let headerOffset = -1;
    for (;;) {
      const at = this.q.offset;
      if (await this.q.atEnd()) {
        // A stream that stops at a block boundary ends the archive (GNU tar and Go accept it).
        if (headerOffset >= 0) this.fail('truncated', 'archive ends after an extended header, before its entry', longName ?? pax?.get('path'));
        this.finished = true;
        return undefined;
      }
      const b = await this.block(prev);
      const h = parseHeader(b);
      if (h === 'zero') {
        // One zero block may end the archive; GNU tar writes two.
        if (headerOffset >= 0) this.fail('invalid', 'a zero block follows an extended header', longName ?? pax?.get('path'), at);
        const second = await this.q.read(BLOCK);
        this.sawEndMarker = second.length === BLOCK && second.every((x) => x === 0);
        this.finished = true;
        return undefined;
      }
      if (h === 'checksum' || h === 'number') {
        if (this.count === 0 && headerOffset < 0) this.fail('not-tar', 'not a tar archive (the first block is not a tar header)', undefined, at);
        this.fail('invalid', h === 'checksum' ? 'tar header checksum mismatch' : 'tar header has a malformed number', prev, at);
      }
      if (headerOffset < 0) headerOffset = at;
      switch (h.typeflag) {
        case 'x':
        case 'g': {
          const recs = parsePax(await this.meta(h, 'PAX header', longName ?? pax?.get('path')));
          if (!recs) this.fail('invalid', 'malformed PAX header records', h.name, at);
          if (h.typeflag === 'g') {
            for (const [k, v] of recs) v === '' ? this.global.delete(k) : this.global.set(k, v);
            headerOffset = -1;
          } else {
            pax = recs;
          }
          continue;
        }
        case 'L':
          longName = nulTrim(await this.meta(h, 'GNU long name', undefined));
          continue;
        case 'K':
          longLink = nulTrim(await this.meta(h, 'GNU long link name', longName));
          continue;
      }
      return this.entry(h, pax, longName, longLink, headerOffset);
    }
  }

  private async entry(h: RawHeader, pax: Map<string, string> | undefined, longName: string | undefined, longLink: string | undefined, headerOffset: number): Promise<TarEntry> {
    const rec = (k: string) => pax?.get(k) ?? this.global.get(k);
    let path = rec('path') ?? longName ?? h.name;
    const linkpath = rec('linkpath') ?? longLink ?? h.linkname;
    let size = h.size;
    const paxSize = rec('size');
    if (paxSize !== undefined) {
      if (!/^\d+$/.test(paxSize) || !Number.isSafeInteger(Number(paxSize))) this.fail('invalid', `PAX size ${JSON.stringify(paxSize)} is not a byte count`, path);
      size = Number(paxSize);
    }
    const num = (k: string, fallback: number) => {
      const v = rec(k);
      const n = v === undefined ? NaN : Number(v);
      return Number.isFinite(n) ? n : fallback;
    };
    let type = entryType(h.typeflag, path);
    let sparse: TarEntry['sparse'];
    if (h.gnuSparse) {
      sparse = { format: 'gnu', realSize: h.gnuSparse.realSize };
      // Extension blocks of sparse map entries follow the header, before the data.
      let ext = h.gnuSparse.extended;
      while (ext) {
        const b = await this.block(path);
        ext = b[504] !== 0;
      }
    } else if (pax && (pax.has('GNU.sparse.major') || pax.has('GNU.sparse.map') || pax.has('GNU.sparse.numblocks') || pax.has('GNU.sparse.size'))) {
      const major = pax.get('GNU.sparse.major');
      const format: SparseFormat = major === '1' ? 'pax-1.0' : pax.has('GNU.sparse.map') ? 'pax-0.1' : 'pax-0.0';
      path = pax.get('GNU.sparse.name') ?? path;
      sparse = { format, realSize: num('GNU.sparse.realsize', num('GNU.sparse.size', size)) };
      type = 'sparse';
    }
    let xattrs: Map<string, string> | undefined;
    for (const src of [this.global, pax]) {
      if (!src) continue;
      for (const [k, v] of src) {
        if (k.startsWith('SCHILY.xattr.')) (xattrs ??= new Map()).set(k.slice(13), v);
      }
    }
    if (this.count >= this.maxEntries) this.fail('too-large', `more than ${this.maxEntries} entries`, path);
    const dataSize = hasData(type) ? size : 0;
    const e: TarEntry = {
      path,
      type,
      typeflag: h.typeflag === '\0' ? '0' : h.typeflag,
      mode: h.mode,
      uid: num('uid', h.uid),
      gid: num('gid', h.gid),
      size: dataSize,
      mtime: num('mtime', h.mtime),
      linkpath,
      uname: rec('uname') ?? h.uname,
      gname: rec('gname') ?? h.gname,
      devmajor: h.devmajor,
      devminor: h.devminor,
      xattrs,
      sparse,
      index: this.count++,
      headerOffset,
      dataOffset: this.q.offset,
    };
    this.current = e;
    this.left = dataSize;
    this.pad = padding(dataSize);
    return e;
  }

  /**
   * Streams the current entry's data (views valid until the next chunk is
   * asked for). Throws `truncated` when the archive ends inside it.
   */
  async *data(): AsyncGenerator<Uint8Array> {
    const e = this.current;
    while (this.left > 0) {
      const c = await this.q.take(this.left);
      if (c.length === 0) this.fail('truncated', `archive ends inside the entry's data (${this.left} of ${e?.size} bytes missing)`, e?.path);
      this.left -= c.length;
      yield c;
    }
  }

  /** Skips what is left of the archive after its end marker (to drain a stream). */
  async rest(): Promise<number> {
    let n = 0;
    for (;;) {
      const c = await this.q.take(1 << 20);
      if (c.length === 0) return n;
      n += c.length;
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<TarEntry> {
    for (let e = await this.next(); e; e = await this.next()) yield e;
  }
}

function padding(size: number): number {
  const r = size % BLOCK;
  return r === 0 ? 0 : BLOCK - r;
}

function nulTrim(b: Uint8Array): string {
  const end = b.indexOf(0);
  return decodeUtf8(b, 0, end < 0 ? b.length : end);
}
