// CPU time of this process (all its threads), for the feature timings the benches read: wall time
// would count the time a loaded machine gave to others.

/** User + system CPU time of this process so far, in ms. */
export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}
