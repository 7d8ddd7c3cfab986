// The core's one seeded generator (src/main/core/rng.ts), re-exported where fusion imports it.
export { Rng } from '../rng';
