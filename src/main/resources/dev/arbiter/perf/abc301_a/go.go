package main

import (
	"fmt"
	"strings"
)

func main() {
	var n int
	var s string
	fmt.Scan(&n, &s)
	t := strings.Count(s, "T")
	a := n - t
	switch {
	case t > a:
		fmt.Println("T")
	case a > t:
		fmt.Println("A")
	case s[n-1] == 'T':
		fmt.Println("A")
	default:
		fmt.Println("T")
	}
}
