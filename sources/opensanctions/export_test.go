package opensanctions

// SetLineCap lowers the line cap for a test and returns a restore func.
func SetLineCap(n int) func() {
	old := lineCap
	lineCap = n
	return func() { lineCap = old }
}

// Tokens, JaroWinkler and Similarity expose the matcher's steps.
var (
	Tokens      = tokens
	JaroWinkler = jaroWinkler
	Similarity  = similarity
)
