// Class probabilities of a prediction as horizontal bars, in the label set's order.
import { Box, LinearProgress, Typography } from '@mui/material';

export function ProbabilityBars(props: {
  probabilities: Record<string, number>;
  labels: string[];
  predicted: string;
  gold: string | null;
}) {
  const order = props.labels.length ? props.labels.filter((l) => l in props.probabilities) : Object.keys(props.probabilities);
  for (const k of Object.keys(props.probabilities)) if (!order.includes(k)) order.push(k);
  // The label comes from the SVM's decision values and the bars from its Platt-calibrated probabilities
  // (as in LIBSVM and scikit-learn); the two can rank classes differently, so say so when they do.
  const top = order.reduce((a, b) => ((props.probabilities[b] ?? 0) > (props.probabilities[a] ?? 0) ? b : a), order[0]);
  return (
    <Box>
      <Box
        data-testid="probabilities"
        sx={{ display: 'grid', gridTemplateColumns: '80px 1fr 44px', alignItems: 'center', columnGap: 1, rowGap: 0.5 }}
      >
        {order.map((l) => {
          const p = props.probabilities[l] ?? 0;
          return (
            <Box key={l} sx={{ display: 'contents' }} data-label={l}>
              <Typography variant="body2" sx={{ fontWeight: l === props.predicted ? 700 : 400 }}>
                {l}
                {l === props.gold ? ' ★' : ''}
              </Typography>
              <LinearProgress
                variant="determinate"
                value={p * 100}
                color={l === props.predicted ? 'primary' : 'inherit'}
                sx={{ height: 8, borderRadius: 1, ...(l !== props.predicted && { color: 'text.disabled' }) }}
                aria-label={`${l} probability`}
              />
              <Typography variant="caption" sx={{ textAlign: 'right' }}>
                {p.toFixed(2)}
              </Typography>
            </Box>
          );
        })}
      </Box>
      <Typography variant="caption" color="text.secondary" sx={{ display: 'block', mt: 1 }}>
        ★ gold label · bold: the SVM's decision · bars: calibrated probabilities
        {top && top !== props.predicted ? ` (highest: ${top}; they can rank classes differently)` : ''}
      </Typography>
    </Box>
  );
}
