/**
 * A photo leaves the device as fresh pixels: decoding it and encoding the
 * pixels again as JPEG keeps nothing of the original file but the picture —
 * no EXIF (location, camera, time), no XMP, no IPTC, no embedded thumbnail.
 * Also makes the small preview that travels inside the message.
 */
export interface PreparedPhoto {
  blob: Blob
  width: number
  height: number
  thumbnail: Uint8Array
}

const PHOTO_MAX_EDGE = 2560
const THUMBNAIL_EDGE = 96

export function isPhoto(file: File): boolean {
  return /^image\/(jpeg|png|webp|gif|heic|heif|avif|bmp)$/.test(file.type)
}

async function encode(bitmap: ImageBitmap, maxEdge: number, quality: number) {
  const scale = Math.min(1, maxEdge / Math.max(bitmap.width, bitmap.height))
  const width = Math.max(1, Math.round(bitmap.width * scale))
  const height = Math.max(1, Math.round(bitmap.height * scale))
  const canvas = new OffscreenCanvas(width, height)
  canvas.getContext("2d")!.drawImage(bitmap, 0, 0, width, height)
  return { blob: await canvas.convertToBlob({ type: "image/jpeg", quality }), width, height }
}

export async function preparePhoto(file: File): Promise<PreparedPhoto> {
  // Orientation from EXIF is applied while decoding, so the picture stays upright without it.
  const bitmap = await createImageBitmap(file, { imageOrientation: "from-image" })
  try {
    const photo = await encode(bitmap, PHOTO_MAX_EDGE, 0.88)
    const thumbnail = await encode(bitmap, THUMBNAIL_EDGE, 0.5)
    return { ...photo, thumbnail: new Uint8Array(await thumbnail.blob.arrayBuffer()) }
  } finally {
    bitmap.close()
  }
}
