/** What a file in the image's tree is. */
export type FileKind = 'directory' | 'file' | 'symlink' | 'char' | 'block' | 'fifo';

/**
 * A file's metadata and where its bytes are, shared by every name a hard
 * link gives it. Nothing of its content is kept but what the caller adds
 * ({@link facts}, {@link digest}).
 */
export class Inode<F = unknown> {
  /** Hard links to this inode in the tree (names that lead to it). */
  links = 0;
  // Rarely set: declared, not initialized, so an inode without them stays small.
  /** Analysis results attached while the file streamed past (the ELF facts). */
  declare facts?: F;
  /** `sha256:…` of the content, when asked for. */
  declare digest?: string;
  /** The file is sparse in its layer: its bytes were not read. */
  declare sparse?: boolean;
  declare xattrs?: ReadonlyMap<string, string>;
  /** Device numbers of a character or block device. */
  declare device?: { readonly major: number; readonly minor: number };

  constructor(
    readonly kind: FileKind,
    /** Permission bits with setuid/setgid/sticky (`0o4755`). */
    public mode: number,
    public uid: number,
    public gid: number,
    public mtime: number,
    /** Size of a regular file (its real size when sparse). */
    readonly size: number,
    /** Symlink target, verbatim. */
    readonly target: string,
    /** Index of the layer whose entry made this inode. */
    readonly layer: number,
    /** Where the bytes are: the data offset in the uncompressed layer. */
    readonly dataOffset: number,
  ) {}
}
