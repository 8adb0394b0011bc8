/** The disk reader lives with the other file adapters; the console imports it from here. */
export { readDiskFile, type DiskFile } from '../store/disk-file.js';
