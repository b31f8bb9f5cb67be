import type { HttpResponse } from './client.js';

/**
 * A short excerpt of an error body, for messages. JSON APIs answer with an error list
 * (`{errors: [{code, message}]}`: OCI distribution, GitHub), or `{error_code, message}` (MLflow),
 * or `{message}` / `{error}` (GitLab); anything else is cut to 300 characters.
 */
export async function errorText(response: HttpResponse): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const parsed = JSON.parse(text) as { errors?: { code?: string; message?: string }[]; error_code?: string; message?: unknown; error?: unknown };
    if (Array.isArray(parsed.errors) && parsed.errors.length) return parsed.errors.map((error) => [error.code, error.message].filter(Boolean).join(': ')).join('; ');
    const message = typeof parsed.message === 'string' ? parsed.message : parsed.message !== undefined ? JSON.stringify(parsed.message) : typeof parsed.error === 'string' ? parsed.error : undefined;
    if (parsed.error_code || message) return [parsed.error_code, message].filter(Boolean).join(': ');
  } catch {
    // not JSON
  }
  return text.slice(0, 300).trim() || `HTTP ${response.status}`;
}

export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host) || host.endsWith('.localhost');
}
