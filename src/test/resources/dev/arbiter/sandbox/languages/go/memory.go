package main

import "fmt"

func main() {
	var kept [][]byte
	for {
		b := make([]byte, 32<<20)
		for i := range b {
			b[i] = 1
		}
		kept = append(kept, b)
		if len(kept) > 1000 {
			fmt.Println(len(kept))
		}
	}
}
