// Package faultproxy is a TCP proxy for tests that puts faults between
// sqlscim and a real database: refused connections, connections cut at
// once or when a given statement passes, added latency, and a black hole
// that swallows everything. It listens on 127.0.0.1 only.
package faultproxy

import (
	"bytes"
	"io"
	"net"
	"strconv"
	"sync"
	"time"
)

// Proxy forwards connections from its address to a target.
type Proxy struct {
	target string
	port   int

	mu        sync.Mutex
	ln        net.Listener
	conns     map[*link]struct{}
	latency   time.Duration
	blackhole bool
	cutOn     []byte
	cuts      int
	closed    bool
	wg        sync.WaitGroup
}

// link is one proxied connection.
type link struct {
	client, server net.Conn
	once           sync.Once
}

func (l *link) close() {
	l.once.Do(func() {
		l.client.Close()
		if l.server != nil {
			l.server.Close()
		}
	})
}

// Start listens on a free loopback port and forwards to target (host:port).
func Start(target string) (*Proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &Proxy{target: target, ln: ln, port: ln.Addr().(*net.TCPAddr).Port, conns: map[*link]struct{}{}}
	p.wg.Add(1)
	go p.accept(ln)
	return p, nil
}

// Host is the proxy's host, 127.0.0.1.
func (p *Proxy) Host() string { return "127.0.0.1" }

// Port is the proxy's port; it stays the same across Refuse and Accept.
func (p *Proxy) Port() int { return p.port }

// Addr is host:port.
func (p *Proxy) Addr() string { return net.JoinHostPort(p.Host(), strconv.Itoa(p.port)) }

func (p *Proxy) accept(ln net.Listener) {
	defer p.wg.Done()
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		p.wg.Add(1)
		go p.serve(c)
	}
}

func (p *Proxy) serve(c net.Conn) {
	defer p.wg.Done()
	l := &link{client: c}
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		c.Close()
		return
	}
	p.conns[l] = struct{}{}
	hole := p.blackhole
	p.mu.Unlock()
	defer func() {
		l.close()
		p.mu.Lock()
		delete(p.conns, l)
		p.mu.Unlock()
	}()
	if hole {
		// Accept, then say nothing: the client waits until it gives up.
		_, _ = io.Copy(io.Discard, c)
		return
	}
	s, err := net.DialTimeout("tcp", p.target, 5*time.Second)
	if err != nil {
		return
	}
	p.mu.Lock()
	l.server = s
	p.mu.Unlock()
	done := make(chan struct{}, 2)
	go func() { p.pump(l, c, s, true); done <- struct{}{} }()
	go func() { p.pump(l, s, c, false); done <- struct{}{} }()
	<-done
}

// pump copies one direction, applying the faults in force.
func (p *Proxy) pump(l *link, from, to net.Conn, fromClient bool) {
	defer l.close()
	buf := make([]byte, 32<<10)
	for {
		n, err := from.Read(buf)
		if n > 0 {
			p.mu.Lock()
			delay, hole, cut := p.latency, p.blackhole, p.cutOn
			if fromClient && cut != nil && bytes.Contains(buf[:n], cut) {
				p.cuts++
				p.mu.Unlock()
				return // the statement never reaches the database
			}
			p.mu.Unlock()
			if delay > 0 {
				time.Sleep(delay)
			}
			if !hole {
				if _, werr := to.Write(buf[:n]); werr != nil {
					return
				}
			}
		}
		if err != nil {
			return
		}
	}
}

// Refuse closes the listener: new connections are refused, established
// ones carry on.
func (p *Proxy) Refuse() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
}

// Accept listens again, on the same port.
func (p *Proxy) Accept() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		return nil
	}
	ln, err := net.Listen("tcp", p.Addr())
	if err != nil {
		return err
	}
	p.ln = ln
	p.wg.Add(1)
	go p.accept(ln)
	return nil
}

// Conns is the number of connections the proxy holds open now.
func (p *Proxy) Conns() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.conns)
}

// CutAll closes every established connection, both sides.
func (p *Proxy) CutAll() {
	p.mu.Lock()
	links := make([]*link, 0, len(p.conns))
	for l := range p.conns {
		links = append(links, l)
	}
	p.mu.Unlock()
	for _, l := range links {
		l.close()
	}
}

// CutOn closes a connection, without forwarding, when the client sends
// bytes containing marker (a statement's text); nil stops it.
func (p *Proxy) CutOn(marker []byte) {
	p.mu.Lock()
	p.cutOn = marker
	p.mu.Unlock()
}

// Cuts counts the connections CutOn has cut.
func (p *Proxy) Cuts() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cuts
}

// Latency delays every chunk of data in both directions by d.
func (p *Proxy) Latency(d time.Duration) {
	p.mu.Lock()
	p.latency = d
	p.mu.Unlock()
}

// Blackhole swallows all data while on: nothing is forwarded and nothing
// answered, on established and new connections alike.
func (p *Proxy) Blackhole(on bool) {
	p.mu.Lock()
	p.blackhole = on
	p.mu.Unlock()
}

// Close stops the proxy and waits for its goroutines.
func (p *Proxy) Close() error {
	p.mu.Lock()
	p.closed = true
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	p.mu.Unlock()
	p.CutAll()
	p.wg.Wait()
	return nil
}
