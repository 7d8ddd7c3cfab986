// A small select; with `anyLabel`, an empty first entry that means "any" (shown, never a blank box).
import { FormControl, InputLabel, MenuItem, Select } from '@mui/material';

export function FilterSelect(props: {
  label: string;
  value: string;
  options: readonly string[];
  onChange: (v: string) => void;
  testId?: string;
  anyLabel?: string;
  minWidth?: number;
  /** how an option is shown (the value stays the option itself) */
  format?: (o: string) => string;
  /** how the chosen option is shown in the closed select (default: as in the list) */
  formatSelected?: (o: string) => string;
}) {
  const id = `filter-${props.label.toLowerCase().replace(/\W+/g, '-')}`;
  const show = props.format ?? ((o: string) => o);
  const showSelected = props.formatSelected ?? show;
  const hasAny = props.anyLabel !== undefined;
  return (
    <FormControl size="small" sx={{ minWidth: props.minWidth ?? 120 }}>
      <InputLabel id={id} shrink={hasAny || props.value !== '' ? true : undefined}>
        {props.label}
      </InputLabel>
      <Select
        labelId={id}
        label={props.label}
        value={props.value}
        displayEmpty={hasAny}
        notched={hasAny || props.value !== '' ? true : undefined}
        renderValue={(v) => (v === '' ? (props.anyLabel ?? '') : showSelected(String(v)))}
        onChange={(e) => props.onChange(String(e.target.value))}
        data-testid={props.testId}
      >
        {hasAny && <MenuItem value="">{props.anyLabel}</MenuItem>}
        {props.options.map((o) => (
          <MenuItem key={o} value={o}>
            {show(o)}
          </MenuItem>
        ))}
      </Select>
    </FormControl>
  );
}
