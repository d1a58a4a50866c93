import { close, fstat, fsync, open, read, rename, rm, stat, write, type Stats } from 'node:fs';

// node:fs's callback calls as promises, not node:fs/promises: loading that
// loads readline, fs watchers and directory streams too, ~2 ms of a small
// image's `elfkit image attach-debug`.

const done = <T>(resolve: (v: T) => void, reject: (e: Error) => void) => (e: Error | null, v: T) => (e ? reject(e) : resolve(v));

/** An open file descriptor with promise calls, the subset of fs/promises' FileHandle used here. */
export class FileDescriptor {
  private constructor(readonly fd: number) {}

  /** Opens `path` (`flags` and `mode` as fs.open's). */
  static open(path: string, flags: string, mode?: number): Promise<FileDescriptor> {
    return new Promise((resolve, reject) => open(path, flags, mode, done<number>((fd) => resolve(new FileDescriptor(fd)), reject)));
  }

  stat(): Promise<Stats> {
    return new Promise((resolve, reject) => fstat(this.fd, done(resolve, reject)));
  }

  /** Reads into `buf[offset, offset + length)` from file `position`; resolves to the bytes read. */
  read(buf: Uint8Array, offset: number, length: number, position: number): Promise<number> {
    return new Promise((resolve, reject) => read(this.fd, buf, offset, length, position, done(resolve, reject)));
  }

  /** Writes `buf[offset, offset + length)` at the file's position; resolves to the bytes written. */
  write(buf: Uint8Array, offset: number, length: number): Promise<number> {
    return new Promise((resolve, reject) => write(this.fd, buf, offset, length, null, done(resolve, reject)));
  }

  sync(): Promise<void> {
    return new Promise((resolve, reject) => fsync(this.fd, (e) => (e ? reject(e) : resolve())));
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => close(this.fd, (e) => (e ? reject(e) : resolve())));
  }
}

/** fs.stat as a promise. */
export function statFile(path: string): Promise<Stats> {
  return new Promise((resolve, reject) => stat(path, done(resolve, reject)));
}

/** fs.rename as a promise. */
export function renameFile(from: string, to: string): Promise<void> {
  return new Promise((resolve, reject) => rename(from, to, (e) => (e ? reject(e) : resolve())));
}

/** fs.rm as a promise. */
export function removeFile(path: string, options: { force?: boolean } = {}): Promise<void> {
  return new Promise((resolve, reject) => rm(path, options, (e) => (e ? reject(e) : resolve())));
}
