/** The isolates' defaults (`clustermint webhook --isolates ...`), apart so the CLI's options load nothing else. */
export const DEFAULT_ISOLATES = 2;
export const DEFAULT_ISOLATE_MEMORY_MB = 512;
export const DEFAULT_LARGE_REVIEW_BYTES = 256 * 1024;
