/**
 * Conditions a person must not miss while watching the console (a broken config file, an audit
 * log that cannot be written). Keyed, so one condition shows once and clears when it is fixed.
 */
export class AlertBoard {
  private alerts = new Map<string, string>();
  private snap: ReadonlyArray<{ key: string; message: string }> = [];
  private readonly listeners = new Set<() => void>();

  set(key: string, message: string): void {
    if (this.alerts.get(key) === message) return;
    this.alerts.set(key, message);
    this.changed();
  }

  clear(key: string): void {
    if (this.alerts.delete(key)) this.changed();
  }

  /** Bound, so React can hold it directly. */
  readonly snapshot = (): ReadonlyArray<{ key: string; message: string }> => this.snap;

  /** Bound, so React can hold it directly. */
  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private changed(): void {
    this.snap = [...this.alerts].map(([key, message]) => ({ key, message }));
    for (const l of [...this.listeners]) l();
  }
}
