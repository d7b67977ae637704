package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

// Exit codes are a promise to scripts; docs/exit-codes.md documents them.
const (
	exitOK = 0
	// exitInvalid: the input was read and is invalid (espctl validate), or a command failed at
	// run time (espctl run could not start).
	exitInvalid = 1
	// exitBadInput: bad usage, or input that cannot be read or parsed.
	exitBadInput = 2
	// exitNeedsPerson: the work was done, but at least one item needs a person's decision
	// (an unsupported or unknown flag, a value that cannot be converted).
	exitNeedsPerson = 3
)

// exitError carries an exit code through cobra's error return. When quiet is set the command
// has already printed everything the user needs (findings, diagnostics), so only the code is used.
type exitError struct {
	code  int
	err   error
	quiet bool
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// badInput marks err as bad usage or unreadable input (exit 2).
func badInput(err error) error { return &exitError{code: exitBadInput, err: err} }

// invalid marks err as an input that was read but is invalid (exit 1).
func invalid(err error) error { return &exitError{code: exitInvalid, err: err} }

// withCode ends the command with code after it has printed its own output.
func withCode(code int) error {
	if code == exitOK {
		return nil
	}
	return &exitError{code: code, quiet: true}
}

// reportError prints err the one way espctl prints errors and returns the exit code. Errors
// without a code are cobra's usage errors or failures while doing the work.
func reportError(stderr io.Writer, err error) int {
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if !ee.quiet && ee.err != nil {
			printError(stderr, ee.err)
		}
		return ee.code
	}
	printError(stderr, err)
	if isUsageError(err) {
		return exitBadInput
	}
	return exitInvalid
}

func printError(w io.Writer, err error) {
	msg := strings.TrimRight(err.Error(), "\n")
	if strings.Contains(msg, "\n") {
		fmt.Fprintf(w, "espctl: %s\n", msg)
		return
	}
	fmt.Fprintf(w, "espctl: error: %s\n", msg)
}

// isUsageError recognises cobra's and pflag's complaints about the command line.
func isUsageError(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "flag needs an argument", "invalid argument", "accepts ", "requires at least", "requires at most", "required flag", "if any flags in the group", "none of the others can be", "at least one of the flags"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}
