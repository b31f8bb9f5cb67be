/**
 * Points an error from a reader at the path the user should see: its location's file and every
 * mention in its message move from `from` (an absolute path or a temporary copy) to `to`.
 */
export function relocateError(error: unknown, from: string, to: string): unknown {
  if (error && typeof error === 'object' && 'location' in error) {
    const location = (error as { location?: { file?: string } }).location;
    if (location && location.file === from) location.file = to;
  }
  if (error instanceof Error) error.message = error.message.split(from).join(to);
  return error;
}
