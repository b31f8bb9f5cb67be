import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built bundle is what actions and GitLab components run; build it once for every suite that needs it. */
export default function setup(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
}
