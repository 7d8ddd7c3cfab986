// The clip's audio summary: prosody and spectral statistics, MFCC means as a compact list.
import { Table, TableBody, TableCell, TableRow, Typography } from '@mui/material';
import type { AudioSummary } from '../../../shared/types';

const f = (x: number | null, d = 2, unit = '') => (x === null || !Number.isFinite(x) ? '—' : `${x.toFixed(d)}${unit}`);

export function AudioFeatures(props: { audio: AudioSummary }) {
  const a = props.audio;
  const rows: [string, string][] = [
    ['duration', f(a.duration_s, 2, ' s')],
    ['pitch (voiced frames)', a.pitch_hz === null ? 'no voiced frame' : `${f(a.pitch_hz, 1)} ± ${f(a.pitch_std_hz, 1)} Hz`],
    ['voiced ratio', f(a.voiced_ratio, 2)],
    ['RMS', `${f(a.rms, 4)} ± ${f(a.rms_std, 4)}`],
    ['zero-crossing rate', `${f(a.zcr, 4)} ± ${f(a.zcr_std, 4)}`],
    ['spectral centroid', `${f(a.spectral_centroid_hz, 0)} ± ${f(a.spectral_centroid_std_hz, 0)} Hz`],
    ['tempo', f(a.tempo_bpm, 1, ' bpm')],
    ['sample rate', `${a.sample_rate} Hz`],
  ];
  return (
    <>
      <Table size="small" data-testid="audio-features">
        <TableBody>
          {rows.map(([k, v]) => (
            <TableRow key={k}>
              <TableCell sx={{ color: 'text.secondary' }}>{k}</TableCell>
              <TableCell>{v}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <Typography variant="caption" color="text.secondary" component="div" sx={{ mt: 1, wordBreak: 'break-word' }}>
        MFCC means (25): {a.mfcc_mean.map((m) => m.toFixed(1)).join(', ')}
      </Typography>
    </>
  );
}
