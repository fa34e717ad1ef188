import { describe, expect, it } from "vitest"
import { cropSquare, defaultCrop } from "./prepareAvatar"

describe("avatar crop", () => {
  it("by default takes the largest centred square", () => {
    expect(cropSquare(400, 300, defaultCrop)).toEqual({ sx: 50, sy: 0, side: 300 })
    expect(cropSquare(300, 400, defaultCrop)).toEqual({ sx: 0, sy: 50, side: 300 })
  })

  it("zooms in and moves the square, never outside the picture", () => {
    expect(cropSquare(400, 300, { zoom: 2, x: 0, y: 1 })).toEqual({ sx: 0, sy: 150, side: 150 })
    expect(cropSquare(400, 300, { zoom: 3, x: 7, y: -2 })).toEqual({ sx: 300, sy: 0, side: 100 })
  })
})
