/** Decodes base64 into bytes (the contract carries file contents as base64). */
export function base64ToBytes(data: string): Uint8Array<ArrayBuffer> {
  const binary = atob(data);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * Saves a file the core returned as base64: a Blob behind an `<a download>`, clicked once. Works in
 * the desktop window (Electron shows its save dialog) and in a browser tab (the downloads folder).
 */
export function downloadBase64(fileName: string, data: string, type = 'application/octet-stream'): void {
  const url = URL.createObjectURL(new Blob([base64ToBytes(data)], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Give the browser time to start reading the blob before it goes.
  window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
