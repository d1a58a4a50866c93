/**
 * The few node:fs calls the Node host makes, as promises over fs's callback
 * API: importing node:fs/promises loads readline and its helpers (some
 * milliseconds of every image command's start-up), and a file descriptor
 * does everything a FileHandle does here.
 */
import { close, fstat, fsync, open, read, rename, rm, stat, write, type Stats } from 'node:fs';

const call = <T>(f: (cb: (e: NodeJS.ErrnoException | null, v: T) => void) => void): Promise<T> =>
  new Promise((resolve, reject) => f((e, v) => (e ? reject(e) : resolve(v))));

export const openFd = (path: string, flags: string, mode?: number) => call<number>((cb) => open(path, flags, mode, cb));
export const closeFd = (fd: number) => call<void>((cb) => close(fd, (e) => cb(e, undefined)));
export const fstatFd = (fd: number) => call<Stats>((cb) => fstat(fd, cb));
export const fsyncFd = (fd: number) => call<void>((cb) => fsync(fd, (e) => cb(e, undefined)));
export const statPath = (path: string) => call<Stats>((cb) => stat(path, cb));
export const renamePath = (from: string, to: string) => call<void>((cb) => rename(from, to, (e) => cb(e, undefined)));
export const rmPath = (path: string, options: { force?: boolean; recursive?: boolean }) => call<void>((cb) => rm(path, options, (e) => cb(e, undefined)));

/** Reads up to `length` bytes at `position` into `buf` at `offset`; resolves to the count read. */
export const readFd = (fd: number, buf: Uint8Array, offset: number, length: number, position: number) =>
  call<number>((cb) => read(fd, buf, offset, length, position, (e, n) => cb(e, n)));

/** Writes `length` bytes of `buf` from `offset` at the file's position; resolves to the count written. */
export const writeFd = (fd: number, buf: Uint8Array, offset: number, length: number) => call<number>((cb) => write(fd, buf, offset, length, null, (e, n) => cb(e, n)));
