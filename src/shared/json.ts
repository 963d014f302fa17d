/** The value of a JSON text, or null when it is not JSON (for a schema check to reject next). */
export function jsonOrNull(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
