#!/usr/bin/env bash
# Builds scripts/go-verifier (Go's sumdb/note and sumdb/tlog from Debian's golang-golang-x-mod-dev:
# an implementation this project did not write) into .velvet/bin/velvet-tlog-verify, installing the
# packages with apt-get where this machine allows it. Where it cannot, it says so and exits 0: the
# test that uses the binary then skips with that message.
set -uo pipefail
cd "$(dirname "$0")/.."
GOSRC=/usr/share/gocode
if ! command -v go >/dev/null || [ ! -d "$GOSRC/src/golang.org/x/mod/sumdb/tlog" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get install -y -q golang-go golang-golang-x-mod-dev >/dev/null 2>&1 || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q golang-go golang-golang-x-mod-dev >/dev/null 2>&1; }
  fi
fi
if ! command -v go >/dev/null || [ ! -d "$GOSRC/src/golang.org/x/mod/sumdb/tlog" ]; then
  echo "go-verifier: skipped (needs golang-go and golang-golang-x-mod-dev: apt-get install golang-go golang-golang-x-mod-dev)"
  exit 0
fi
mkdir -p .velvet/bin
if GO111MODULE=off GOPATH="$GOSRC" GOFLAGS= go build -o .velvet/bin/velvet-tlog-verify scripts/go-verifier/main.go; then
  echo "go-verifier: built .velvet/bin/velvet-tlog-verify ($(go version | cut -d' ' -f3), golang.org/x/mod from $GOSRC)"
else
  echo "go-verifier: build failed"
  exit 1
fi
