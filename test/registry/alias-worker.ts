// One contender in the alias race: reads the alias, then tries to move it with --expect set to
// what it read, ROUNDS times. Prints the sequence numbers it won.
import { existsSync } from 'node:fs';
import { openRegistry } from '../../shared/registry/index.js';

const [uri, name, alias, target, rounds, go] = process.argv.slice(2) as [string, string, string, string, string, string];
const registry = openRegistry(uri, { cwd: process.cwd(), env: {} });
process.stdout.write('ready\n');
while (!existsSync(go)) await new Promise((resolve) => setTimeout(resolve, 2));
const won: { seq: number; from: string | undefined; to: string }[] = [];
let lost = 0;
for (let round = 0; round < Number(rounds); round++) {
  const current = await registry.getAlias(name, alias);
  const outcome = await registry.setAlias({ name, alias, version: target, expect: current ?? null, by: `worker-${target}` });
  if (outcome.moved) won.push({ seq: outcome.event.seq, from: outcome.event.from, to: outcome.event.to });
  else lost++;
}
process.stdout.write(`${JSON.stringify({ won, lost })}\n`);
