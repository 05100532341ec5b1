// Most tests wait on Docker, Postgres and Caddy, not the CPU: fixtures run side by side, their tests one after another.
// A fixture that disturbs what every test shares (kills the reconciler, stops Postgres or Docker, loads the proxy to
// count failed requests, saturates the workers or the build queue, counts global rows or log lines, or asserts a time)
// is [NonParallelizable]: NUnit runs those alone, after the parallel ones. docs/testing.md says how to choose.
[assembly: Parallelizable(ParallelScope.Fixtures)]
[assembly: LevelOfParallelism(3)]
