package tools

// Kind is R for a read, W for a mutating tool and "W ext" for one that
// reaches a customer.
func (t Tool) Kind() string {
	switch {
	case t.CustomerFacing:
		return "W ext"
	case t.Mutating:
		return "W"
	}
	return "R"
}
