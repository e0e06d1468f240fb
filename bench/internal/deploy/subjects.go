package deploy

import "fmt"

// plateLetters are the letters Dutch plates use (no vowels, no C, Q, W, M).
const plateLetters = "BDFGHJKLNPRSTVXZ"

// MaxPlates is how many distinct plates Plate makes.
const MaxPlates = 100 * len(plateLetters) * len(plateLetters) * 100

// Plate returns the i-th plate (0 ≤ i < MaxPlates) of sidecode 3,
// 99-XX-99: valid for verrijk, and none of them is among the RDW replay's
// recorded vehicles, so each costs the source exactly one request.
func Plate(i int) string {
	i %= MaxPlates
	n := len(plateLetters)
	tail, i := i%100, i/100
	l2, i := i%n, i/n
	l1, head := i%n, i/n
	return fmt.Sprintf("%02d-%c%c-%02d", head, plateLetters[l1], plateLetters[l2], tail)
}

// KvKNumber returns the i-th of 1,000,000 KvK numbers 99000000–99999999;
// the KvK replay records none of them, so each lookup is one Zoeken
// request answered 404 (nothing found).
func KvKNumber(i int) string { return fmt.Sprintf("%08d", 99000000+i%1000000) }
