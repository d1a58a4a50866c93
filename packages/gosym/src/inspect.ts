import { isParseError, type ParseError } from '@elfkit/binary';
import { readGoBuildId } from './buildid.js';
import { readBuildInfoParts, type RawBuildInfo } from './buildinfo.js';
import type { GoImage } from './image.js';
import { openGoSymbols, type GoSymbols, type PclntabScan } from './locate.js';
import { ModInfoError, type BuildInfo } from './modinfo.js';

/**
 * What elfkit can tell about a binary's Go-ness:
 * - `go`: the build info or the pclntab (or both) read cleanly;
 * - `corrupt`: there is Go metadata (a build info magic, a pclntab, a Go
 *   build ID note) but none of it reads;
 * - `not-go`: no Go metadata at all.
 */
export type GoKind = 'go' | 'not-go' | 'corrupt';

/** Everything {@link inspectGo} found, with the errors of the parts that failed. */
export interface GoInspection {
  readonly kind: GoKind;
  readonly buildInfo: BuildInfo | undefined;
  /** The build info blob; also when only its module info is damaged (its Go version read, `modinfo` empty, the damage in {@link GoInspection.errors}). */
  readonly rawBuildInfo: RawBuildInfo | undefined;
  readonly buildId: string | undefined;
  /** The pclntab, unless `pclntab: false` was asked or the binary has none. */
  readonly symbols: GoSymbols | undefined;
  /** Failures of single parts (a damaged build info, pclntab or note). */
  readonly errors: readonly (ParseError | ModInfoError)[];
}

/**
 * Reads the build info, the Go build ID and (unless `pclntab` is false)
 * the pclntab of `image`, collecting each part's failure instead of giving
 * up on the first, and classifies the binary as Go, not Go, or corrupt.
 */
export function inspectGo(image: GoImage, options: { pclntab?: boolean; scan?: PclntabScan } = {}): GoInspection {
  const errors: (ParseError | ModInfoError)[] = [];
  const attempt = <T>(fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (e) {
      if (isParseError(e) || e instanceof ModInfoError) {
        errors.push(e);
        return undefined;
      }
      throw e;
    }
  };
  // Damaged module info keeps the blob and its Go version (read before it); the damage is one of the errors.
  const parts = attempt(() => readBuildInfoParts(image));
  if (parts?.error) errors.push(parts.error);
  const raw = parts?.raw;
  const buildInfo = parts?.info;
  const buildId = attempt(() => readGoBuildId(image));
  const symbols = options.pclntab === false ? undefined : attempt(() => openGoSymbols(image, { scan: options.scan ?? (raw || buildId !== undefined ? 'always' : 'auto') }));
  let kind: GoKind;
  if (buildInfo || symbols) kind = 'go';
  else if (errors.length > 0 || raw || buildId !== undefined) kind = 'corrupt';
  else kind = 'not-go';
  return { kind, buildInfo, rawBuildInfo: raw, buildId, symbols, errors };
}
