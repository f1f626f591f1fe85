//go:build !linux

package lexactivator

func osThreadID() int { return 0 }
