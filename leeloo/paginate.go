package leeloo

import (
	"context"
	"iter"
)

// DefaultPageSize is the page size All uses when none is given.
const DefaultPageSize = 50

// PageFunc fetches one page of a list endpoint.
type PageFunc[T any] func(ctx context.Context, opts ListOptions) ([]T, *Response, error)

// IterOptions bounds All.
type IterOptions struct {
	// PageSize is the limit of each request; DefaultPageSize when zero.
	PageSize int
	// Offset is where to start.
	Offset int
	// MaxItems stops the walk after that many items; no cap when zero.
	MaxItems int
}

// All walks every page of a list endpoint. It stops at TotalCount (or, when
// the reply has none, on a short page), on an empty page, at MaxItems, or at the first error (yielded once).
func All[T any](ctx context.Context, fetch PageFunc[T], opts IterOptions) iter.Seq2[T, error] {
	size := opts.PageSize
	if size <= 0 {
		size = DefaultPageSize
	}
	return func(yield func(T, error) bool) {
		offset, seen := opts.Offset, 0
		for {
			limit := size
			if opts.MaxItems > 0 && opts.MaxItems-seen < limit {
				limit = opts.MaxItems - seen
			}
			page, resp, err := fetch(ctx, ListOptions{Limit: limit, Offset: offset})
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, item := range page {
				if !yield(item, nil) {
					return
				}
				seen++
				if opts.MaxItems > 0 && seen >= opts.MaxItems {
					return
				}
			}
			offset += len(page)
			if len(page) == 0 {
				return
			}
			// totalCount is trusted when present (a server may cap the page
			// below limit); otherwise a short page is the last one.
			if resp != nil && resp.Meta != nil && resp.Meta.TotalCount > 0 {
				if offset >= resp.Meta.TotalCount {
					return
				}
			} else if len(page) < limit {
				return
			}
		}
	}
}
