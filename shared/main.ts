import { main } from './cli.js';

// Development entry (node --import tsx shared/main.ts); the published CLI is bin/modelci.js over dist/.
await main();
