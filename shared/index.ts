/** The one bundle (dist/index.js) behind the CLI and every action. */
export { main } from './cli.js';
export { runAction } from './action.js';
