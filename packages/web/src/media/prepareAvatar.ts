import { Limits } from "@kith/protocol"

/**
 * A profile picture leaves the device as fresh pixels: a square cut from
 * the picked image, drawn on a canvas and encoded as JPEG, so nothing of the
 * original file (EXIF location, camera, XMP) survives. It is made small
 * enough for the encrypted profile (Limits.maxAvatarBytes).
 */
export interface AvatarCrop {
  /** 1 shows the largest square that fits; 3 shows a third of it. */
  zoom: number
  /** Where the square sits, 0 (start) to 1 (end), horizontally and vertically. */
  x: number
  y: number
}

export const defaultCrop: AvatarCrop = { zoom: 1, x: 0.5, y: 0.5 }

const EDGE = 256

/** The square of the source (in its pixels) that a crop selects. */
export function cropSquare(width: number, height: number, crop: AvatarCrop) {
  const side = Math.min(width, height) / Math.max(1, crop.zoom)
  const clamp = (v: number) => Math.min(1, Math.max(0, v))
  return {
    sx: (width - side) * clamp(crop.x),
    sy: (height - side) * clamp(crop.y),
    side,
  }
}

/** Draws the crop into a square canvas (also used for the live preview). */
export function drawCrop(
  context: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D,
  image: ImageBitmap,
  crop: AvatarCrop,
  edge: number,
): void {
  const { sx, sy, side } = cropSquare(image.width, image.height, crop)
  context.drawImage(image, sx, sy, side, side, 0, 0, edge, edge)
}

/** Encodes the crop as JPEG, lowering quality and size until it fits the limit. */
export async function encodeAvatar(image: ImageBitmap, crop: AvatarCrop): Promise<Uint8Array> {
  for (const [edge, quality] of [
    [EDGE, 0.85],
    [EDGE, 0.7],
    [192, 0.6],
    [128, 0.5],
  ] as const) {
    const canvas = new OffscreenCanvas(edge, edge)
    drawCrop(canvas.getContext("2d")!, image, crop, edge)
    const blob = await canvas.convertToBlob({ type: "image/jpeg", quality })
    if (blob.size <= Limits.maxAvatarBytes) return new Uint8Array(await blob.arrayBuffer())
  }
  throw new Error("the picture could not be made small enough")
}

/** A picture's bytes as something an <img> can show (JPEG or WebP, by their first bytes). */
export function avatarBlob(bytes: Uint8Array): Blob {
  const type = bytes[0] === 0xff ? "image/jpeg" : "image/webp"
  return new Blob([bytes as Uint8Array<ArrayBuffer>], { type })
}
