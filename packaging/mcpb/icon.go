package main

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
)

// Icon is the bundle's 512x512 PNG (the size Claude Desktop recommends): a white "L" on a rounded teal square,
// drawn here so that no binary asset needs keeping in sync by hand.
func Icon() []byte {
	const size, radius = 512, 96
	bg := color.NRGBA{0x0f, 0x76, 0x6e, 0xff}
	fg := color.NRGBA{0xff, 0xff, 0xff, 0xff}
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	inCorner := func(x, y, cx, cy int) bool {
		dx, dy := x-cx, y-cy
		return dx*dx+dy*dy > radius*radius
	}
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			switch {
			case x < radius && y < radius && inCorner(x, y, radius, radius),
				x >= size-radius && y < radius && inCorner(x, y, size-radius-1, radius),
				x < radius && y >= size-radius && inCorner(x, y, radius, size-radius-1),
				x >= size-radius && y >= size-radius && inCorner(x, y, size-radius-1, size-radius-1):
				continue // transparent corner
			case x >= 160 && x < 232 && y >= 112 && y < 400, // the stem
				x >= 160 && x < 368 && y >= 328 && y < 400: // the foot
				img.SetNRGBA(x, y, fg)
			default:
				img.SetNRGBA(x, y, bg)
			}
		}
	}
	var b bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&b, img); err != nil {
		panic(err) // encoding an in-memory image cannot fail
	}
	return b.Bytes()
}
