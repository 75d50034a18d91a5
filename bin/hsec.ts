/**
 * Entry point of the `hsec` command (bin/hsec runs its compiled form: .hsec-build/ in a checkout,
 * dist/ in an installed package). Everything lives in cluster/cli.
 */
import { main } from '../cluster/cli/index.ts';

process.exitCode = await main(process.argv);
