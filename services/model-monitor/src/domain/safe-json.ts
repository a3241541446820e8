/** JSON.parse that answers undefined for text that is not JSON, for schema checks to reject. */
export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
