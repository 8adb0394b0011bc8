import { useEffect, useState } from 'react';
import type { PendingCall } from '../core/types.js';
import type { DiskFile } from './disk-file.js';

/**
 * For a Write on screen, the file it would replace (read once per call, in the background);
 * undefined for other tools, while reading, or without a reader.
 */
export function useDiskFile(call: PendingCall | undefined, read: ((path: string) => Promise<DiskFile>) | undefined): DiskFile | undefined {
  const path = call?.call.toolName === 'Write' && typeof call.call.input.file_path === 'string' ? call.call.input.file_path : undefined;
  const id = path === undefined ? undefined : call?.id;
  const [state, setState] = useState<{ id: string; file: DiskFile } | undefined>(undefined);
  useEffect(() => {
    if (id === undefined || path === undefined || !read) return;
    let live = true;
    read(path).then(
      (file) => live && setState({ id, file }),
      (e: unknown) => live && setState({ id, file: { kind: 'skipped', why: e instanceof Error ? e.message : String(e) } }),
    );
    return () => {
      live = false;
    };
  }, [id, path, read]);
  return state && state.id === id ? state.file : undefined;
}
