/**
 * Adapts an ELF file to the Go readers' GoImage: allocated sections with
 * file data, PT_LOAD and PT_NOTE segments, the static symbol table (looked
 * up by name bytes) and reads at virtual addresses. One adapter serves the
 * CLI and @elfkit/size.
 */
export { elfGoImage as goImage } from '@elfkit/size/go-image';
