// plotly.js reads every text it draws (tick labels, legend names, hover text, titles) as a small HTML
// subset: <a href> becomes a live link, <b style> restyles. Data strings are escaped before plotly sees them.

/** A string plotly shows as written: &, < and > as entities (plotly decodes them back for display). */
export function plotText(s: string): string {
  return s.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

/** Trace attributes that hold data strings (category coordinates, names, per-point text). */
const TEXT_KEYS = ['x', 'y', 'text', 'hovertext', 'name', 'labels', 'ids'] as const;

const escapeValue = (v: unknown): unknown => (typeof v === 'string' ? plotText(v) : Array.isArray(v) ? v.map(escapeValue) : v);

/** The traces with every data string escaped (numbers and templates untouched; a new array, a new object per trace). */
export function escapeTraces<T extends object>(data: readonly T[]): T[] {
  return data.map((trace) => {
    const out: Record<string, unknown> = { ...(trace as Record<string, unknown>) };
    for (const k of TEXT_KEYS) if (k in out) out[k] = escapeValue(out[k]);
    return out as T;
  });
}
