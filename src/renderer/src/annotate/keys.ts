// Keyboard handling of the annotate and adjudicate views: which focused element keeps its keys, and
// a serial queue so fast key presses reach the server in order, each for the item it was pressed on.

/** True when the key belongs to the focused element: text entry, or an open menu/list/dialog. A
 * closed select, a checkbox, a button, a tab or the video do not keep the shortcut keys. */
export function keyBelongsToTarget(t: EventTarget | null): boolean {
  const el = t as HTMLElement | null;
  if (!el || typeof el.closest !== 'function') return false;
  if (el.isContentEditable) return true;
  if (el.closest('textarea, [role="listbox"], [role="menu"], [role="dialog"]')) return true;
  if (el.closest('[role="combobox"][aria-expanded="true"]')) return true;
  const input = el.closest('input') as HTMLInputElement | null;
  return !!input && !['checkbox', 'radio', 'button', 'range'].includes(input.type);
}

/** Runs async tasks one after another, in the order they were queued. */
export function serialQueue() {
  let tail: Promise<unknown> = Promise.resolve();
  let pending = 0;
  return {
    push<T>(task: () => Promise<T>): Promise<T> {
      pending++;
      const run = tail.then(task, task);
      tail = run.then(
        () => pending--,
        () => pending--,
      );
      return run;
    },
    get pending() {
      return pending;
    },
  };
}
