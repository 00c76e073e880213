// Package release holds the checks of what scripts/release writes to dist/:
// every binary's format and CPU, SHA256SUMS, the linux/amd64 binary's
// --version, and the container image's binary serving with the image's own
// settings. Set LEELOO_DIST to the dist folder (CI does).
package release
