// A titled card: the building block of the utterance and annotation side panels.
import type { ReactNode } from 'react';
import { Card, CardContent, Typography } from '@mui/material';

export function Section(props: { title: string; children: ReactNode }) {
  return (
    <Card variant="outlined">
      <CardContent>
        <Typography variant="subtitle2" gutterBottom>
          {props.title}
        </Typography>
        {props.children}
      </CardContent>
    </Card>
  );
}
