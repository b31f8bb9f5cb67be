// A push in its own process, for the crash tests: prints `ready` once loaded, then pushes and
// prints the result. The parent SIGKILLs it at a random point.
import { openRegistry } from '../../shared/registry/index.js';

const [uri, name, path] = process.argv.slice(2);
if (!uri || !name || !path) throw new Error('usage: push-worker URI NAME PATH');
const registry = openRegistry(uri, { cwd: process.cwd(), env: {}, chunkSize: Number(process.env.CHUNK_SIZE ?? 0) || undefined });
process.stdout.write('ready\n');
const result = await registry.push({ name, path });
process.stdout.write(`${JSON.stringify(result)}\n`);
