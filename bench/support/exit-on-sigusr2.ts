// Preloaded (`node --require`) into app processes profiled with `--cpu-prof`: exits normally on
// SIGUSR2 so that Node writes the profile (a process that dies by a signal writes none).
process.on('SIGUSR2', () => process.exit(0));

export {};
