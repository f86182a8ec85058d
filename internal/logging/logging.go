// Package logging builds the zap logger and carries it in a context, so that
// every log line of a request has its request id and tenant.
package logging

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
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
	level, err := ParseLevel(cfg.Level)
	if err != nil {
		return nil, nil, err
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
		return nil, nil, fmt.Errorf("%q is not a log format (json, console)", cfg.Format)
	}
	if stdout == nil {
		stdout = zapcore.Lock(os.Stdout)
	}
	sinks := []zapcore.WriteSyncer{stdout}
	closeFile := func() {}
	if cfg.File != "" {
		if err := os.MkdirAll(filepath.Dir(cfg.File), 0o750); err != nil {
			return nil, nil, fmt.Errorf("create log directory: %w", err)
		}
		f, err := os.OpenFile(cfg.File, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o640)
		if err != nil {
			return nil, nil, fmt.Errorf("open log file: %w", err)
		}
		sinks = append(sinks, zapcore.Lock(f))
		closeFile = func() { _ = f.Close() }
	}
	core := zapcore.NewCore(enc, zapcore.NewMultiWriteSyncer(sinks...), level)
	logger := zap.New(core, zap.AddCaller())
	return logger, func() { _ = logger.Sync(); closeFile() }, nil
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
