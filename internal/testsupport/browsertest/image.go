package browsertest

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
)

// NotBlank checks that a PNG screenshot shows something: more than a few
// colours, and enough pixels that differ from the most common one (the
// background). A page that failed to render – all white, all black, an
// error page with one line – fails it.
func NotBlank(data []byte) error {
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("not a PNG: %w", err)
	}
	b := img.Bounds()
	if b.Dx() < 100 || b.Dy() < 100 {
		return fmt.Errorf("the screenshot is %dx%d pixels", b.Dx(), b.Dy())
	}
	counts := map[uint32]int{}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			counts[rgb(img, x, y)]++
		}
	}
	most := 0
	for _, n := range counts {
		most = max(most, n)
	}
	total := b.Dx() * b.Dy()
	other := float64(total-most) / float64(total)
	if len(counts) < minColours || other < minInk {
		return fmt.Errorf("the screenshot looks blank: %d colours, %.1f%% of pixels differ from the background (want at least %d and %.0f%%)",
			len(counts), 100*other, minColours, 100*minInk)
	}
	return nil
}

const (
	minColours = 16
	minInk     = 0.02
)

func rgb(img image.Image, x, y int) uint32 {
	r, g, b, _ := img.At(x, y).RGBA()
	return r>>8<<16 | g>>8<<8 | b>>8
}
