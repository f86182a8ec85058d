package browsertest

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"testing"
)

func encode(img image.Image) []byte {
	var b bytes.Buffer
	png.Encode(&b, img)
	return b.Bytes()
}

func TestNotBlank(t *testing.T) {
	white := image.NewRGBA(image.Rect(0, 0, 400, 300))
	for i := range white.Pix {
		white.Pix[i] = 0xff
	}
	if err := NotBlank(encode(white)); err == nil {
		t.Error("a white image passes")
	}
	drawn := image.NewRGBA(image.Rect(0, 0, 400, 300))
	for y := range 300 {
		for x := range 400 {
			c := color.RGBA{0xff, 0xff, 0xff, 0xff}
			if y%20 < 8 && x < 300 { // lines of "text" in many shades
				c = color.RGBA{uint8(x), uint8(y), 0x40, 0xff}
			}
			drawn.Set(x, y, c)
		}
	}
	if err := NotBlank(encode(drawn)); err != nil {
		t.Error(err)
	}
	if err := NotBlank([]byte("not a png")); err == nil {
		t.Error("garbage passes")
	}
}
