// The utterance filters the corpus table, the annotation queue and `list` share, as SQL conditions on
// `utterance u` with named parameters: one place that says what "by annotator" or "annotators disagree" means.
export interface UtteranceFilter {
  split?: string;
  label?: string;
  speaker?: string;
  /** items this annotator has labelled */
  annotator?: string;
  /** items this annotator has not labelled yet */
  unlabelledBy?: string;
  /** items whose annotators gave more than one label */
  annotatorsDisagree?: boolean;
}

/** Adds the conditions of `f` to `where` (joined with AND by the caller) and their values to `args`. */
export function addUtteranceFilter(f: UtteranceFilter, where: string[], args: Record<string, unknown>): void {
  if (f.split) {
    where.push('u.split = @split');
    args.split = f.split;
  }
  if (f.label) {
    where.push('u.label = @label');
    args.label = f.label;
  }
  if (f.speaker) {
    where.push('u.speaker = @speaker');
    args.speaker = f.speaker;
  }
  if (f.annotator) {
    where.push('EXISTS (SELECT 1 FROM annotator_label a WHERE a.utterance_id = u.id AND a.annotator = @annotator)');
    args.annotator = f.annotator;
  }
  if (f.unlabelledBy) {
    where.push('NOT EXISTS (SELECT 1 FROM annotator_label a WHERE a.utterance_id = u.id AND a.annotator = @unlabelledBy)');
    args.unlabelledBy = f.unlabelledBy;
  }
  if (f.annotatorsDisagree) where.push('(SELECT COUNT(DISTINCT a.label) FROM annotator_label a WHERE a.utterance_id = u.id) > 1');
}

/** `LIKE` pattern for a plain substring (%, _ and \ matched literally, with ESCAPE '\'). */
export function likePattern(text: string): string {
  return `%${text.replace(/[%_\\]/g, '\\$&')}%`;
}
