package provision

import (
	"context"
	"sync"

	"github.com/sqlscim/sqlscim/internal/scim"
)

// pipeline completes users – their entitlements, or the whole user by id –
// on a few connections at once, and emits them in the order they were
// added. A list of users then costs the database round trips of the
// slowest worker, not the sum of all of them; memory stays bounded by the
// window.
type pipeline struct {
	l       *lister
	ctx     context.Context
	cancel  context.CancelCauseFunc
	jobs    chan *job
	ordered chan *job
	done    chan error
	workers sync.WaitGroup
}

// job is one user on its way through the pipeline. do, when set, runs on a
// worker's session; a nil result is skipped (a user deleted meanwhile).
type job struct {
	res   scim.Resource
	do    func(ctx context.Context, s *session) (scim.Resource, error)
	err   error
	ready chan struct{}
}

const pipelineWindow = 64

// newPipeline starts the workers: up to four, leaving a connection of the
// pool for the scan that feeds them.
func (l *lister) newPipeline(ctx context.Context) *pipeline {
	ctx, cancel := context.WithCancelCause(ctx)
	p := &pipeline{l: l, ctx: ctx, cancel: cancel,
		jobs: make(chan *job, pipelineWindow), ordered: make(chan *job, pipelineWindow), done: make(chan error, 1)}
	workers := min(4, l.t.pools.Config().MaxOpen-1)
	for i := 0; i < max(workers, 1); i++ {
		p.workers.Add(1)
		go p.work()
	}
	go p.emitInOrder()
	return p
}

// work runs jobs until the queue closes. Without a transaction a session
// holds no connection between queries, so a worker keeps one session.
// With one (cursor results), every job has its own transaction: a worker
// never holds a connection while it waits for a job, and a job never waits
// for a connection that an idle sibling holds; the pool's scan admission
// (db.Lease.AdmitScan) then guarantees that some job can always proceed.
func (p *pipeline) work() {
	defer p.workers.Done()
	tx := p.l.t.readTx()
	var s *session
	defer func() {
		if s != nil {
			s.close()
		}
	}()
	for j := range p.jobs {
		switch {
		case p.ctx.Err() != nil:
			j.err = context.Cause(p.ctx)
		case tx:
			j.res, j.err = p.runInTx(j)
		default:
			if s == nil {
				if s, j.err = p.l.t.open(p.ctx, false); j.err != nil {
					s = nil
					break
				}
			}
			j.res, j.err = j.do(p.ctx, s)
		}
		close(j.ready)
	}
}

// runInTx runs a job in a transaction of its own.
func (p *pipeline) runInTx(j *job) (scim.Resource, error) {
	s, err := p.l.t.open(p.ctx, true)
	if err != nil {
		return nil, err
	}
	defer s.close()
	return j.do(p.ctx, s)
}

func (p *pipeline) emitInOrder() {
	var err error
	for j := range p.ordered {
		<-j.ready
		switch {
		case err != nil: // draining after a failure
		case j.err != nil:
			err = j.err
			p.cancel(err)
		case j.res != nil:
			p.l.wd.progress()
			if err = p.l.emit(j.res); err != nil {
				p.cancel(err)
			}
		}
	}
	p.done <- err
}

// add queues a user; it waits while the window is full.
func (p *pipeline) add(res scim.Resource, do func(ctx context.Context, s *session) (scim.Resource, error)) error {
	j := &job{res: res, do: do, ready: make(chan struct{})}
	select {
	case p.ordered <- j:
	case <-p.ctx.Done():
		return context.Cause(p.ctx)
	}
	if do == nil {
		close(j.ready)
		return nil
	}
	p.jobs <- j
	return nil
}

// finish waits for every user to be emitted and returns the first error.
func (p *pipeline) finish() error {
	close(p.ordered)
	close(p.jobs)
	err := <-p.done
	p.workers.Wait()
	p.cancel(nil)
	return err
}

// withEntitlementsOf returns the work that adds a row's entitlements to
// its user, res.
func (l *lister) withEntitlementsOf(res scim.Resource, r row) func(ctx context.Context, s *session) (scim.Resource, error) {
	return func(ctx context.Context, s *session) (scim.Resource, error) {
		ents, err := l.t.userEntitlements(ctx, s, r)
		if err != nil {
			return nil, err
		}
		if len(ents) > 0 {
			res["entitlements"] = ents
		}
		return res, nil
	}
}
