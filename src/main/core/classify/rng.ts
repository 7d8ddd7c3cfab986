// The core's one seeded generator (src/main/core/rng.ts), re-exported where the classifiers import it.
export { Rng } from '../rng';
