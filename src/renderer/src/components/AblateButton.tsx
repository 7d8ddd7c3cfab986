// Evaluation's "Run ablation": the `ablate` command as a job (one model per combination of the
// modalities with features, each scored on dev), followed in the Jobs view; the report's ablation
// table reads the models it stores.
import { useState } from 'react';
import { Button, Tooltip } from '@mui/material';
import { useApi } from '../api-context';
import { useStudio } from '../studio-context';

export function AblateButton() {
  const { call, report } = useApi();
  const { setView } = useStudio();
  const [busy, setBusy] = useState(false);
  const run = () => {
    setBusy(true);
    call('jobs.ablate', {})
      .then(() => setView('jobs'), report)
      .finally(() => setBusy(false));
  };
  return (
    <Tooltip title="Trains one model per combination of the modalities with features (fusion none, linear SVM, with the lexicon columns when the latest model has them) and scores each on dev: the report's modality ablation table">
      <span>
        <Button size="small" variant="outlined" disabled={busy} onClick={run} data-testid="run-ablation">
          Run ablation
        </Button>
      </span>
    </Tooltip>
  );
}
