/**
 * Entry point of the `hsec` command (bin/hsec launches it through tsx; `npm start` runs
 * `tsx bin/hsec.ts start`). Everything lives in cluster/cli. The CLI talks to people on stdout,
 * so structured logs default to warnings only (HSEC_LOG_LEVEL overrides).
 */
export {};

process.env.HSEC_LOG_LEVEL ??= 'warn';
const { main } = await import('../cluster/cli/index.ts');

process.exitCode = await main(process.argv);
