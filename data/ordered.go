package data

import "sync"

// ordered runs work(k) for k = 0, 1, 2, … (up to count, or without end when count < 0) on a pool of
// goroutines, at most window results ahead of the consumer, and hands the results back in order of k.
// The window bounds memory whatever the size of the job list; Close stops everything without leaks.
type ordered[T any] struct {
	order  chan chan T // one result channel per job, queued in job order
	cancel chan struct{}
	once   sync.Once
	wg     sync.WaitGroup
}

// orderedJob is one k to run and where its result goes.
type orderedJob[T any] struct {
	k   int
	res chan T
}

// startOrdered starts the dispatcher and workers goroutines.
func startOrdered[T any](count, workers, window int, work func(k int) T) *ordered[T] {
	o := &ordered[T]{order: make(chan chan T, window), cancel: make(chan struct{})}
	jobs := make(chan orderedJob[T])
	o.wg.Add(1 + workers)
	go func() { // dispatcher: a job is handed out only once its result has a place in the window
		defer o.wg.Done()
		defer close(jobs)
		defer close(o.order)
		for k := 0; count < 0 || k < count; k++ {
			res := make(chan T, 1) // buffered: a worker never waits for the consumer
			select {
			case o.order <- res:
			case <-o.cancel:
				return
			}
			select {
			case jobs <- orderedJob[T]{k, res}:
			case <-o.cancel:
				return
			}
		}
	}()
	for w := 0; w < workers; w++ {
		go func() {
			defer o.wg.Done()
			for j := range jobs {
				j.res <- work(j.k)
			}
		}()
	}
	return o
}

// next returns the next result in order; ok is false after the last one.
func (o *ordered[T]) next() (v T, ok bool) {
	res, ok := <-o.order
	if !ok {
		return v, false
	}
	return <-res, true
}

// close stops the dispatcher, lets the workers finish the job in hand, and waits for all of them.
func (o *ordered[T]) close() {
	o.once.Do(func() { close(o.cancel) })
	o.wg.Wait()
}
