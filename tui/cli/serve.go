package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"slices"
	"strconv"
	"time"

	"github.com/spf13/cobra"
	gossh "golang.org/x/crypto/ssh"

	"github.com/rnnscope/rnnscope/nets"
	"github.com/rnnscope/rnnscope/probe"
	"github.com/rnnscope/rnnscope/tui"
	"github.com/rnnscope/rnnscope/tui/serve"
)

// serveOpts are the flags of `rnnscope serve`: the live scope's, for the run
// and what each session shows, and the server's.
type serveOpts struct {
	liveOpts
	listen         string
	mode           string
	authorizedKeys string
	allowAnyone    bool
	maxSessions    int
	idleTimeout    time.Duration
	hostKey        string
	ownSteps       int
	keys           []gossh.PublicKey // read from --authorized-keys by validate
}

// ownHidden is the hidden size of each student's model in --mode own, unless
// --hidden says otherwise: small enough for forty on a laptop.
const ownHidden = 64

// notForServe are live-scope flags a class has no use for: the server paces
// its runs itself and draws nothing on the host's terminal.
var notForServe = []string{"lockstep", "script", "record", "steps"}

func (o *serveOpts) register(c *cobra.Command) {
	o.liveOpts.register(c)
	fs := c.Flags()
	fs.StringVar(&o.listen, "listen", "127.0.0.1:2222", "the address to listen on, HOST:PORT; one other than loopback needs --authorized-keys or --allow-anyone")
	fs.StringVar(&o.mode, "mode", "watch", "what students get: watch (your run, read-only) or own (a model each)")
	fs.StringVar(&o.authorizedKeys, "authorized-keys", "", "let in only these public keys (an OpenSSH authorized_keys FILE)")
	fs.BoolVar(&o.allowAnyone, "allow-anyone", false, "let anyone who can reach --listen in, without keys")
	fs.IntVar(&o.maxSessions, "max-sessions", serve.DefaultMaxSessions, "most sessions at once; the next one is told the class is full")
	fs.DurationVar(&o.idleTimeout, "idle-timeout", serve.DefaultIdleTimeout, "close a session after this long without a key press (0: never)")
	fs.StringVar(&o.hostKey, "host-key", "", "the server's private key (default: made on first start, kept in your config folder)")
	fs.IntVar(&o.ownSteps, "own-steps", 1, "training steps per frame for each session of --mode own: its share of the CPU")
	for _, name := range notForServe {
		_ = fs.MarkHidden(name)
	}
}

func (o *serveOpts) validate(cmd *cobra.Command) error {
	if err := o.liveOpts.validate(); err != nil {
		return err
	}
	for _, name := range notForServe {
		if changed(cmd, name) {
			return usagef("--%s: not for serve; the server paces each run itself (see rnnscope serve --help)", name)
		}
	}
	_, port, err := net.SplitHostPort(o.listen)
	if p, perr := strconv.Atoi(port); err != nil || perr != nil || p < 0 || p > 65535 {
		return usagef("--listen %q: want HOST:PORT, such as 127.0.0.1:2222 or :2222", o.listen)
	}
	switch {
	case o.mode != string(serve.Watch) && o.mode != string(serve.Own):
		return usagef("--mode %q: want watch or own", o.mode)
	case o.maxSessions < 1 || o.maxSessions > 1000:
		return usagef("--max-sessions %d: want 1 to 1000", o.maxSessions)
	case o.idleTimeout < 0 || (o.idleTimeout > 0 && o.idleTimeout < time.Second):
		return usagef("--idle-timeout %s: want 0 (never) or at least 1s", o.idleTimeout)
	case o.ownSteps < 1 || o.ownSteps > 1000:
		return usagef("--own-steps %d: want 1 to 1000", o.ownSteps)
	case o.mode == string(serve.Own) && o.save != "":
		return usagef("--save: in --mode own every run is a student's own; there is no one run to save")
	case o.authorizedKeys != "" && o.allowAnyone:
		return usagef("--allow-anyone: contradicts --authorized-keys %s", o.authorizedKeys)
	}
	if o.authorizedKeys != "" {
		if o.keys, err = serve.AuthorizedKeys(o.authorizedKeys); err != nil {
			return usagef("--authorized-keys %s: %v", o.authorizedKeys, unwrapPath(err))
		}
	}
	if !serve.IsLoopback(o.listen) && o.keys == nil && !o.allowAnyone {
		return usagef("--listen %s: anyone who can reach it could join; give --authorized-keys FILE, or --allow-anyone to mean it", o.listen)
	}
	return nil
}

// unwrapPath drops the "open FILE:" that os errors repeat after the flag
// has named the file.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func newServeCmd(stdio IO) *cobra.Command {
	o := &serveOpts{}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "The live scope over SSH, for a whole class",
		Long: "Serve the live scope over SSH: students run `ssh -p PORT HOST` and get it in their own\n" +
			"terminal, each with their own pins and screens. In --mode watch (the default) everyone\n" +
			"sees one run, yours, and nobody can change its training; in --mode own each student\n" +
			"trains a small model of their own (--hidden 64 unless given), --own-steps steps per\n" +
			"frame. The server offers only the TUI: no shell, no commands, no file access, no\n" +
			"forwarding. Its host key is made on first start and kept in your config folder.\n" +
			"Loopback addresses are open to anyone on this machine; any other address needs\n" +
			"--authorized-keys (or --allow-anyone). Ctrl-C ends the class: every session gets\n" +
			"a last line and its terminal back.",
		Example: "  rnnscope serve                                   # then: ssh -p 2222 127.0.0.1\n" +
			"  rnnscope serve --listen :2222 --authorized-keys class.pub --cell gru --corpus quotes\n" +
			"  rnnscope serve --mode own --listen 10.0.0.5:2222 --allow-anyone --max-sessions 30",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.validate(cmd); err != nil {
				return err
			}
			return runServe(cmd.Context(), cmd, stdio, o)
		},
	}
	o.register(cmd)
	return cmd
}

// runServe trains (watch mode) and serves until Ctrl-C or --seconds.
func runServe(ctx context.Context, cmd *cobra.Command, stdio IO, o *serveOpts) error {
	own := o.mode == string(serve.Own)
	if own && !changed(cmd, "hidden") {
		o.net.hidden = ownHidden
	}
	path := o.hostKey
	if path == "" {
		var err error
		if path, err = serve.DefaultHostKeyPath(); err != nil {
			return err
		}
	}
	key, err := serve.HostKey(path)
	if err != nil {
		return err
	}
	s, err := newSession(cmd, stdio, &o.trainOpts)
	if err != nil {
		return err
	}
	s.printNotes(stdio)
	heldIDs, heldText := s.corpus.Held()
	win, err := probe.NewWindow(heldIDs, heldText, probe.DefaultWarmup, probe.DefaultScored)
	if err != nil {
		return usagef("--corpus %s: %v", o.corpus.corpus, err)
	}
	opt := probe.Options{Top: 10, Baseline: probe.BaselineFrom(sampleTraining(s.corpus, trainingSample), win)}
	tc, _ := o.train.config() // validated
	trio := func(ctx context.Context, lockstep int) func() *probe.Trio {
		return func() *probe.Trio {
			return probe.StartTrio(ctx, probe.TrioConfig{
				Name: s.corpus.Name, Corpus: s.corpus, Vocab: s.cfg.Vocab, Hidden: s.cfg.Hidden, Layers: s.cfg.Layers,
				Train: tc, Rand: o.train.rng, Seed: o.train.seed, Held: heldIDs, ForgetBias: o.net.forgetBias,
				Lockstep: lockstep, Paused: true,
			})
		}
	}
	sc := serve.Config{
		Session: tui.Config{Theme: o.themeFor(cmd), View: o.view, FPS: o.fps, Captions: !o.noCaptions,
			Lang: o.lang, Classroom: o.classroom},
		HostKey: key, Authorized: o.keys, MaxSessions: o.maxSessions, IdleTimeout: o.idleTimeout, Log: stdio.Err,
	}
	if sc.IdleTimeout == 0 {
		sc.IdleTimeout = -1 // never
	}
	runCtx, stopRun := context.WithCancel(context.Background())
	defer stopRun()
	var live *probe.Live
	if own {
		// Every student starts from the same weights (the seed's, or --load's)
		// on the same text, and trains at the same pace.
		start := slices.Clone(s.trainer.P.Mem)
		sc.Mode = serve.Own
		sc.NewRun = func(ctx context.Context) (tui.Config, error) {
			p := nets.NewParams[float64](s.cfg)
			copy(p.Mem, start)
			streams := make([]nets.Stream, tc.Batch)
			for b := range streams {
				streams[b] = s.corpus.Stream(b, tc.Batch, 0)
			}
			tr, err := nets.NewTrainer(s.cfg, p, tc, streams)
			if err != nil {
				return tui.Config{}, err
			}
			l := probe.StartLive(ctx, probe.LiveConfig{
				Name: s.corpus.Name, Trainer: tr, Corpus: s.corpus, Vocab: s.vocab, Window: win,
				Options: opt, Rand: o.train.rng(), Meta: s.meta, Lockstep: o.ownSteps,
			})
			return tui.Config{Live: l, Trio: trio(ctx, o.ownSteps), Lockstep: o.ownSteps}, nil
		}
	} else {
		sc.Mode = serve.Watch
		live = probe.StartLive(runCtx, probe.LiveConfig{
			Name: s.corpus.Name, Trainer: s.trainer, Corpus: s.corpus, Vocab: s.vocab, Window: win,
			Options: opt, Rand: o.train.rng(), Meta: s.meta,
		})
		sc.Session.Live = live
	}
	srv, err := serve.New(sc)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		var oe *net.OpError
		if errors.As(err, &oe) {
			err = oe.Err
		}
		return fmt.Errorf("--listen %s: %w", o.listen, err)
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	what := fmt.Sprintf("everyone watches one %s on %s", s.cfg, s.corpus.Name)
	if own {
		what = fmt.Sprintf("each student trains their own %s on %s, %s per frame", s.cfg, s.corpus.Name,
			plural(int64(o.ownSteps), "step", "steps"))
	}
	access := "anyone on this machine"
	switch {
	case o.keys != nil:
		access = fmt.Sprintf("the %d keys in %s", len(o.keys), o.authorizedKeys)
	case o.allowAnyone:
		access = "anyone who can reach it"
	}
	fmt.Fprintf(stdio.Err, "rnnscope serve: %s; listening on %s for %s, at most %d sessions\n",
		what, ln.Addr(), access, o.maxSessions)
	fmt.Fprintf(stdio.Err, "rnnscope serve: students connect with: ssh -p %s %s   (host key %s, %s)\n",
		port, hostForStudents(ln.Addr()), srv.Fingerprint(), path)
	fmt.Fprintln(stdio.Err, "rnnscope serve: Ctrl-C ends the class")

	serveCtx := ctx
	if o.run.seconds > 0 {
		var cancel context.CancelFunc
		serveCtx, cancel = context.WithTimeout(ctx, time.Duration(o.run.seconds*float64(time.Second)))
		defer cancel()
	}
	err = srv.Serve(serveCtx, ln)
	stopRun()
	if live != nil {
		live.Wait()
	}
	st := srv.Stats()
	fmt.Fprintf(stdio.Err, "rnnscope serve: class over: %s, %s refused, %s dropped\n",
		plural(st.Total, "session", "sessions"), group(st.Refused), group(st.Dropped))
	if err != nil {
		return err
	}
	if o.save != "" && !own {
		if err := nets.Save(o.save, s.checkpoint()); err != nil {
			return fmt.Errorf("saving %s: %w", o.save, err)
		}
		fmt.Fprintf(stdio.Err, "rnnscope: saved %s (step %s)\n", o.save, group(s.trainer.Steps))
	}
	if ctx.Err() != nil {
		fmt.Fprintln(stdio.Err, "rnnscope: interrupted")
		return errInterrupted
	}
	return nil
}

// hostForStudents is the host part of the ssh command students type: the
// listen address, or this machine's name when it listens on every address.
func hostForStudents(a net.Addr) string {
	host, _, _ := net.SplitHostPort(a.String())
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		if name, err := os.Hostname(); err == nil {
			return name
		}
		return "HOST"
	}
	return host
}
