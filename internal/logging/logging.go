// Package logging builds the zap logger and carries it in a context, so that
// every log line of a request has its request id and tenant.
package logging

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/sqlscim/sqlscim/internal/setting"
)

// Config says how and where to log.
type Config struct {
	// Level is debug, info, warn or error.
	Level string
	// Format is json or console.
	Format string
	// File, when set, receives the same lines as stdout.
	File string
}

// ParseLevel accepts zap level names and the Spring/Logback names found in
// OPS properties files (TRACE, DEBUG, INFO, WARN, ERROR, FATAL, OFF).
func ParseLevel(s string) (zapcore.Level, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "trace", "debug":
		return zapcore.DebugLevel, nil
	case "", "info":
		return zapcore.InfoLevel, nil
	case "warn", "warning":
		return zapcore.WarnLevel, nil
	case "error":
		return zapcore.ErrorLevel, nil
	case "fatal", "off":
		return zapcore.FatalLevel, nil
	}
	return 0, fmt.Errorf("%q is not a log level (debug, info, warn, error)", s)
}

// New builds a logger writing to stdout (or the given writer) and, if set,
// to cfg.File. The returned function flushes and closes the file.
func New(cfg Config, stdout zapcore.WriteSyncer) (*zap.Logger, func(), error) {
	h, err := Open(cfg, stdout)
	if err != nil {
		return nil, nil, err
	}
	return h.Logger, h.Close, nil
}

// Handle is a logger with what a reload changes: the level, and the file,
// which is reopened after logrotate moved it.
type Handle struct {
	Logger *zap.Logger
	level  zap.AtomicLevel
	file   *reopenableFile // nil without cfg.File
}

// Open builds a logger as New does, and keeps the handles Reopen and
// SetLevel need.
func Open(cfg Config, stdout zapcore.WriteSyncer) (*Handle, error) {
	level, err := ParseLevel(cfg.Level)
	if err != nil {
		return nil, err
	}
	encCfg := zap.NewProductionEncoderConfig()
	encCfg.TimeKey = "time"
	encCfg.EncodeTime = zapcore.ISO8601TimeEncoder
	encCfg.EncodeDuration = zapcore.StringDurationEncoder
	var enc zapcore.Encoder
	switch strings.ToLower(cfg.Format) {
	case "", "json":
		enc = zapcore.NewJSONEncoder(encCfg)
	case "console":
		encCfg.EncodeLevel = zapcore.CapitalLevelEncoder
		enc = zapcore.NewConsoleEncoder(encCfg)
	default:
		return nil, fmt.Errorf("%q is not a log format (json, console)", cfg.Format)
	}
	if stdout == nil {
		stdout = zapcore.Lock(os.Stdout)
	}
	h := &Handle{level: zap.NewAtomicLevelAt(level)}
	sinks := []zapcore.WriteSyncer{stdout}
	if cfg.File != "" {
		if err := os.MkdirAll(filepath.Dir(cfg.File), 0o750); err != nil {
			return nil, fmt.Errorf("create log directory: %w", err)
		}
		if h.file, err = openReopenable(cfg.File); err != nil {
			return nil, err
		}
		sinks = append(sinks, h.file)
	}
	h.Logger = zap.New(zapcore.NewCore(enc, zapcore.NewMultiWriteSyncer(sinks...), h.level), zap.AddCaller())
	return h, nil
}

// SetLevel changes the level of every logger derived from h.Logger.
func (h *Handle) SetLevel(s string) error {
	level, err := ParseLevel(s)
	if err != nil {
		return err
	}
	h.level.SetLevel(level)
	return nil
}

// Level is the current level's name.
func (h *Handle) Level() string { return h.level.Level().String() }

// Reopen opens the log file's path again, so that lines go to a new file
// after logrotate renamed the old one. If the path cannot be opened, lines
// keep going to the old file and the error says why. Without a file it does
// nothing.
func (h *Handle) Reopen() error {
	if h.file == nil {
		return nil
	}
	return h.file.reopen()
}

// Close flushes the logger and closes the file.
func (h *Handle) Close() {
	_ = h.Logger.Sync()
	if h.file != nil {
		h.file.close()
	}
}

// reopenableFile is a log file that can be swapped for a new file at the
// same path while lines are being written.
type reopenableFile struct {
	path string
	mu   sync.Mutex
	f    *os.File
}

func openReopenable(path string) (*reopenableFile, error) {
	f, err := openLogFile(path)
	if err != nil {
		return nil, err
	}
	return &reopenableFile{path: path, f: f}, nil
}

func openLogFile(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o640)
	if err != nil {
		return nil, fmt.Errorf("open log file: %w", err)
	}
	return f, nil
}

func (r *reopenableFile) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.f.Write(p)
}

func (r *reopenableFile) Sync() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.f.Sync()
}

func (r *reopenableFile) reopen() error {
	f, err := openLogFile(r.path)
	if err != nil {
		return err
	}
	r.mu.Lock()
	old := r.f
	r.f = f
	r.mu.Unlock()
	_ = old.Sync()
	return old.Close()
}

func (r *reopenableFile) close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	_ = r.f.Close()
}

type ctxKey struct{}

// With returns a context carrying logger.
func With(ctx context.Context, logger *zap.Logger) context.Context {
	return context.WithValue(ctx, ctxKey{}, logger)
}

// From returns the logger carried by ctx, or a no-op logger.
func From(ctx context.Context) *zap.Logger {
	if l, ok := ctx.Value(ctxKey{}).(*zap.Logger); ok {
		return l
	}
	return zap.NewNop()
}

// Validate checks the level and the format; a bad one is a *setting.Error
// keyed under log:.
func (c Config) Validate() error {
	if _, err := ParseLevel(c.Level); err != nil {
		return setting.Errorf("level", "%v", err)
	}
	if f := strings.ToLower(c.Format); f != "json" && f != "console" {
		return setting.Errorf("format", "%q is not a log format; use json or console", c.Format)
	}
	return nil
}
