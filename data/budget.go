package data

import (
	"fmt"
	"sync"
)

// decodeBudget bounds the bytes that image decoding holds at once in this process, over all
// goroutines (loader workers, prep, classify): each decode first reserves what its image needs
// (see decodeCost) and waits while others hold too much. One image needing more than the whole
// budget is refused. 256 MiB decodes a 48-megapixel baseline 4:2:0 JPEG, a 23-megapixel
// progressive one or a 33-megapixel RGB(A) PNG, while a flood of large images cannot take more.
// (ImageNet's images average 0.2 megapixels.)
const decodeBudget = 256 << 20

// bigDecode is the cost from which a finished decode runs the garbage collector: with GOGC's
// default the heap may grow to twice what is live before it is collected, and the budget bounds
// what is live, not the garbage that big decodes leave.
const bigDecode = 64 << 20

// decodeMem is the process's image decoding budget.
var decodeMem = newBudget(decodeBudget)

// budget is a counting semaphore over bytes that serves waiters in arrival order, so that a large
// request is not starved by a stream of small ones.
type budget struct {
	mu        sync.Mutex
	cond      *sync.Cond
	used, max int64
	next      uint64 // ticket of the next arrival
	serving   uint64 // ticket allowed to take bytes now
}

func newBudget(max int64) *budget {
	b := &budget{max: max}
	b.cond = sync.NewCond(&b.mu)
	return b
}

// acquire waits until n bytes are free and takes them; n over the whole budget is an error.
func (b *budget) acquire(n int64) error {
	if n > b.max {
		return fmt.Errorf("needs %d MiB to decode, over the %d MiB decoding limit", (n+(1<<20)-1)>>20, b.max>>20)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	t := b.next
	b.next++
	for b.serving != t || b.used+n > b.max {
		b.cond.Wait()
	}
	b.used += n
	b.serving++
	b.cond.Broadcast()
	return nil
}

// release returns n bytes taken by acquire.
func (b *budget) release(n int64) {
	b.mu.Lock()
	b.used -= n
	b.mu.Unlock()
	b.cond.Broadcast()
}
