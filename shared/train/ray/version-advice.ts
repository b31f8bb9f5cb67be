/** Ray releases before this one have published advisories about dashboard endpoints reachable without authentication. */
export const RAY_SAFE_VERSION = '2.54.0';

function parts(version: string): number[] {
  return version.split(/[.+-]/).slice(0, 3).map((part) => Number.parseInt(part, 10) || 0);
}

export function olderThan(version: string, floor: string): boolean {
  const [a, b] = [parts(version), parts(floor)];
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) < (b[i] ?? 0);
  return false;
}
