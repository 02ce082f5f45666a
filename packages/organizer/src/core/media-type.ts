import type { MetadataResult } from '@photo-organizer/exiftool';

// PSD is an image a photographer keeps, though its MIME type says "application".
const MEDIA_MIME = /^(image|video)\/|^application\/vnd\.adobe\.photoshop$/i;

/**
 * Why a file is not a photo or video we organize (text, PDF, XMP sidecar...), or undefined when it
 * is. exiftool decides by content, not by extension, so a mislabelled JPEG still counts.
 */
export function unsupportedReason(metadata: MetadataResult): string | undefined {
  if (!metadata.fileType) return metadata.error ?? 'exiftool does not recognise this file type';
  const mime = Object.entries(metadata.tags).find(([key]) => key === 'MIMEType' || key.endsWith(':MIMEType'))?.[1];
  if (typeof mime === 'string' && !MEDIA_MIME.test(mime)) return `${metadata.fileType} (${mime}) is not a photo or video`;
  return undefined;
}
