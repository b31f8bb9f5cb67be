// Runs the real `modelci` CLI in this process, optionally after waiting for a start signal (a
// file appearing), so many processes can race on the same registry at the same moment.
import { existsSync } from 'node:fs';
import { main } from '../../shared/cli.js';

const go = process.env.MODELCI_TEST_GO_FILE;
if (go) {
  process.stderr.write('ready\n');
  while (!existsSync(go)) await new Promise((resolve) => setTimeout(resolve, 2));
}
await main(process.argv.slice(2));
