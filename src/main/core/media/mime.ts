// MIME types of the media files a corpus may hold, by extension: what the app serves a clip as
// (/media, es-media://) and what an ELAN export names in its MEDIA_DESCRIPTOR.
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.mp4': 'video/mp4',
  '.m4v': 'video/mp4',
  '.mov': 'video/quicktime',
  '.mkv': 'video/x-matroska',
  '.webm': 'video/webm',
  '.avi': 'video/x-msvideo',
  '.mpg': 'video/mpeg',
  '.mpeg': 'video/mpeg',
  '.ts': 'video/mp2t',
  '.wav': 'audio/wav',
  '.mp3': 'audio/mpeg',
  '.flac': 'audio/flac',
  '.m4a': 'audio/mp4',
  '.aac': 'audio/aac',
  '.ogg': 'audio/ogg',
  '.opus': 'audio/ogg',
};

/** The MIME type of a media file by its extension (case ignored), null when it is not a known one. */
export function mediaMimeType(file: string): string | null {
  return TYPES[path.extname(file).toLowerCase()] ?? null;
}
