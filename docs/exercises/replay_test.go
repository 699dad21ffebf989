//go:build exercises

package exercises

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// Every command a check prints must end by itself when a learner pastes it:
// against the reference, and against a server that has no timeouts and
// would keep the connection open forever. With EXERCISES_REPLAY_COMMANDS
// set (.ci/prove-exercises sets it where the checks run on the references and
// the solutions), every client's transcript is recorded as the command a
// failure would print, and once the checks have run, TestMain runs each
// command against the same program, started afresh, with a short limit.

type replay struct {
	exe  string
	args string // the program's flags, joined by NUL
	cmd  string
}

var (
	replayMu   sync.Mutex
	replaySeen = map[replay]bool{}
	replays    []replay
)

// recordCommand records c's transcript, if replays are asked for. Programs
// started after a set-up (a folder made with mktemp) are left out: their
// command needs the set-up first.
func recordCommand(c *client) {
	if os.Getenv("EXERCISES_REPLAY_COMMANDS") == "" || c.p.setup != "" || len(c.sent) == 0 || c.p.exe == "" {
		return
	}
	r := replay{exe: c.p.exe, args: strings.Join(c.p.args, "\x00"), cmd: c.command()}
	replayMu.Lock()
	defer replayMu.Unlock()
	if !replaySeen[r] {
		replaySeen[r] = true
		replays = append(replays, r)
	}
}

// replayCommands runs every recorded command against its program and
// returns what did not end in time. It runs before the built programs are
// removed.
func replayCommands() []string {
	if len(replays) == 0 {
		return nil
	}
	if out, _ := exec.Command("nc", "-h").CombinedOutput(); !strings.Contains(string(out), "-N") {
		fmt.Fprintln(os.Stderr, "EXERCISES_REPLAY_COMMANDS: no nc with -N (OpenBSD netcat) here; the printed commands were not run")
		return nil
	}
	groups := map[string][]replay{}
	var order []string
	for _, r := range replays {
		key := r.exe + "\x01" + r.args
		if groups[key] == nil {
			order = append(order, key)
		}
		groups[key] = append(groups[key], r)
	}
	var (
		mu       sync.Mutex
		problems []string
		wg       sync.WaitGroup
		slots    = make(chan struct{}, 4)
	)
	for _, key := range order {
		wg.Add(1)
		go func(rs []replay) {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			for _, p := range replayGroup(rs) {
				mu.Lock()
				problems = append(problems, p)
				mu.Unlock()
			}
		}(groups[key])
	}
	wg.Wait()
	fmt.Fprintf(os.Stderr, "EXERCISES_REPLAY_COMMANDS: ran %d printed commands against %d programs; %d did not end in time\n",
		len(replays), len(groups), len(problems))
	return problems
}

// replayGroup starts one program and runs its commands one after another.
func replayGroup(rs []replay) []string {
	args := []string{"-addr", "127.0.0.1:0"}
	if rs[0].args != "" {
		args = append(args, strings.Split(rs[0].args, "\x00")...)
	}
	dir, err := os.MkdirTemp(binDir, "replay-")
	if err != nil {
		return []string{err.Error()}
	}
	cmd := exec.Command(rs[0].exe, args...)
	cmd.Dir = dir
	out := newLineLog()
	cmd.Stdout = out
	if err := cmd.Start(); err != nil {
		return []string{err.Error()}
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	defer func() { cmd.Process.Kill(); <-exited }()
	line, _ := out.wait(0, func(string) bool { return true }, answerTimeout, exited)
	m := firstLine.FindStringSubmatch(line)
	if m == nil {
		return []string{fmt.Sprintf("%s %v: no first line to replay against: %q", rs[0].exe, args, line)}
	}
	host, port, _ := strings.Cut(m[1], ":")
	var problems []string
	for _, r := range rs {
		limit := 3*time.Second + time.Duration(strings.Count(r.cmd, "sleep 1"))*time.Second
		ctx, cancel := context.WithTimeout(context.Background(), limit)
		c := exec.CommandContext(ctx, "sh", "-c", strings.ReplaceAll(r.cmd, "nc -N localhost 8888", "nc -N "+host+" "+port)+" >/dev/null")
		c.WaitDelay = time.Second
		start := time.Now()
		err := c.Run()
		if ctx.Err() != nil {
			problems = append(problems, fmt.Sprintf("did not end within %v (program %s %s):\n    %s",
				limit, rs[0].exe, strings.ReplaceAll(r.args, "\x00", " "), r.cmd))
		} else if err != nil && time.Since(start) > limit {
			problems = append(problems, fmt.Sprintf("%v: %s", err, r.cmd))
		}
		cancel()
	}
	return problems
}
