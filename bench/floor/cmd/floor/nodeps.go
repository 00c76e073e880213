//go:build !floordeps

package main

func linkDeps() {}
