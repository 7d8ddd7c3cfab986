// What a view shows where its data is missing (no model yet, no media, no features), with what to do.
import { Box, Typography } from '@mui/material';
import type { ReactNode } from 'react';

export function EmptyState(props: { title: string; children?: ReactNode; testId?: string }) {
  return (
    <Box
      data-testid={props.testId ?? 'empty-state'}
      sx={{ p: 3, border: 1, borderColor: 'divider', borderStyle: 'dashed', borderRadius: 1, color: 'text.secondary' }}
    >
      <Typography variant="subtitle1" color="text.primary">
        {props.title}
      </Typography>
      {props.children && (
        <Typography variant="body2" component="div">
          {props.children}
        </Typography>
      )}
    </Box>
  );
}
