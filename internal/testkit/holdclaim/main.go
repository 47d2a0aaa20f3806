// Command holdclaim holds a practice's claim as the app does while it has the practice open, so
// that tests can try what a second writer meets, on any system (under Wine too). It prints "held"
// once it holds the claim and lets go when its standard input closes.
//
//	usage: holdclaim DB
package main

import (
	"fmt"
	"io"
	"os"

	"needlelog.app/needlelog/practice"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: holdclaim DB")
		os.Exit(2)
	}
	c, err := practice.ClaimDatabase(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "holdclaim:", err)
		os.Exit(1)
	}
	fmt.Println("held")
	io.Copy(io.Discard, os.Stdin)
	if err := c.Release(); err != nil {
		fmt.Fprintln(os.Stderr, "holdclaim:", err)
		os.Exit(1)
	}
}
