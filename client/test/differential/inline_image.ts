/**
 * The README's inline-image rule, re-stated independently of the Rust code:
 * strict base64 (ASCII whitespace ignored; padded canonically or not at all;
 * no stray bits) that decodes to a JPEG (FF D8 FF), PNG (its 8-byte
 * signature) or DICOM (`DICM` at byte 128) image, and a data: URL must
 * declare that type.
 *
 * @module
 */

const DECLARED: Record<string, string> = {
  "image/jpeg": "jpeg",
  "image/jpg": "jpeg",
  "image/png": "png",
  "application/dicom": "dicom",
};

function format(bytes: Uint8Array): string | null {
  const starts = (signature: number[], at = 0) =>
    signature.every((byte, i) => bytes[at + i] === byte);
  if (starts([0xff, 0xd8, 0xff])) return "jpeg";
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "png";
  if (starts([0x44, 0x49, 0x43, 0x4d], 128)) return "dicom";
  return null;
}

/** Strict decoding: `atob` is forgiving, so the bytes must encode back to the input. */
function decode(base64: string): Uint8Array | null {
  const compact = base64.replace(/[\t\n\f\r ]/g, "");
  try {
    const binary = atob(compact);
    const again = btoa(binary);
    const canonical = compact.endsWith("=") ? again : again.replace(/=+$/, "");
    if (canonical !== compact) return null;
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

/** Whether an inline `image_data` holds an accepted image. */
export function isAcceptedInlineImage(imageData: string): boolean {
  const data = imageData.trim();
  const url = /^data:([^,]*);base64,(.*)$/s.exec(data);
  const bytes = decode(url ? url[2] : data);
  const found = bytes && format(bytes);
  if (!found) return false;
  return !url || DECLARED[url[1].toLowerCase()] === found;
}
