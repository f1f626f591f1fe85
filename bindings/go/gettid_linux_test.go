//go:build linux

package lexactivator

import "syscall"

func osThreadID() int { return syscall.Gettid() }
