/**
 * An ELF PT_LOAD or PT_NOTE program header as the Go readers' segment;
 * only ELF constants are loaded with it, so the stamp command can use it
 * without the whole ELF reader.
 */
export { imageSegment } from '@elfkit/size/go-image';
