package guard

import "context"

type userKey struct{}

type outcomeKey struct{}

// WithUser marks ctx as a call by user (a name from the users file): the
// audit log and pending approvals record it.
func WithUser(ctx context.Context, user string) context.Context {
	if user == "" {
		return ctx
	}
	return context.WithValue(ctx, userKey{}, user)
}

// UserFrom returns the user WithUser recorded, or "".
func UserFrom(ctx context.Context) string {
	u, _ := ctx.Value(userKey{}).(string)
	return u
}

// WithOutcome returns a context under which the guard writes the last
// outcome it records (executed, refused, asked, ...) into the returned
// string, for the caller's log line and metrics; "" when no guard ran.
func WithOutcome(ctx context.Context) (context.Context, *string) {
	s := new(string)
	return context.WithValue(ctx, outcomeKey{}, s), s
}
