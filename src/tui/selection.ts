/**
 * The selected call is kept by id, never by index, so a call arriving above the cursor never
 * moves the selection under the user's finger. When the selected call leaves, the selection
 * moves to the call that took its place (or the one above, at the end of the list).
 */
export function reconcileSelection(selected: string | undefined, previousIds: readonly string[], ids: readonly string[]): string | undefined {
  if (ids.length === 0) return undefined;
  if (selected !== undefined && ids.includes(selected)) return selected;
  if (selected === undefined) return ids[0];
  const oldIndex = previousIds.indexOf(selected);
  // The first call after the old position that is still here, else the last one before it.
  for (let i = oldIndex + 1; i < previousIds.length; i++) if (ids.includes(previousIds[i]!)) return previousIds[i];
  for (let i = oldIndex - 1; i >= 0; i--) if (ids.includes(previousIds[i]!)) return previousIds[i];
  return ids[0];
}

export function moveSelection(selected: string | undefined, ids: readonly string[], delta: number): string | undefined {
  if (ids.length === 0) return undefined;
  const i = selected === undefined ? -1 : ids.indexOf(selected);
  const next = Math.min(ids.length - 1, Math.max(0, (i === -1 ? 0 : i) + delta));
  return ids[next];
}
