package main

import "fmt"

func main() {
	var m map[string]int
	m["T"] = 1
	fmt.Println("T")
}
