// Command verrijk enriches signals of undermining from open sources. See
// the README for the commands and ARCHITECTURE.md for the contract.
package main

import "os"

func main() {
	os.Exit(execute(os.Args[1:]))
}
