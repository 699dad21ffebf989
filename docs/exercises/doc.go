// Package exercises checks the exercises at the end of the chapters and the
// checkpoint ladders that climb from one part to the next. README.md in this
// folder is the learner's guide; in short:
//
//	go test -tags exercises ./docs/exercises -run Part1/1.2       one exercise
//	go test -tags exercises ./docs/exercises -run Part1           a chapter's exercises
//	go test -tags exercises ./docs/exercises -run Ladder3to4      a ladder, up to its first failing checkpoint
//	go run ./docs/exercises/progress                              everything, as a table
//
// The checks are black-box. Each one builds a folder of the repository with
// go build, starts the program on 127.0.0.1:0 and talks to it over TCP, so
// any implementation that behaves right passes, whatever its names. The
// environment variable PART names the folder to check, relative to the
// repository root; without it, an exercise checks the shipped part (where its
// solution patch applies) and a ladder checks the copy its first step makes
// (mypart2, ... mypart5).
//
// Three more variables are for .ci/prove-exercises, which proves the checks:
// EXERCISES_KNOWN_FLAGS_ONLY starts a program with only the flags it
// defines, EXERCISES_REPLAY_COMMANDS runs every command a failure would
// print once the checks are done, and EXERCISES_PREBUILT=DIR=EXECUTABLE
// runs a build made already instead of building DIR.
//
// The check files carry the build tag "exercises", so that go test ./...
// without it compiles only this file and exercises.go, the tables that
// number the exercises and checkpoints.
package exercises
