import type { ExtractedMetadata } from './metadata.js';

// PSD is an image a photographer keeps, though its MIME type says "application".
const MEDIA_MIME = /^(image|video)\/|^application\/vnd\.adobe\.photoshop$/i;

/** The tags {@link unsupportedReason} reads. */
export const MEDIA_TYPE_TAGS: readonly string[] = Object.freeze(['FileType', 'MIMEType']);

/**
 * Why a file is not a photo or video we organize (text, PDF, XMP sidecar...), or undefined when it
 * is. exiftool decides by content, not by extension, so a mislabelled JPEG still counts.
 *
 * @example
 * unsupportedReason({ tags: { 'File:MIMEType': 'application/pdf' }, warnings: [], fileType: 'PDF' });
 * // 'PDF (application/pdf) is not a photo or video'
 */
export function unsupportedReason(metadata: ExtractedMetadata): string | undefined {
  if (!metadata.fileType) return metadata.error ?? 'exiftool does not recognise this file type';
  const mime = Object.entries(metadata.tags).find(([key]) => key === 'MIMEType' || key.endsWith(':MIMEType'))?.[1];
  if (typeof mime === 'string' && !MEDIA_MIME.test(mime)) return `${metadata.fileType} (${mime}) is not a photo or video`;
  return undefined;
}
