package model

// MitigatedOnPlans reports whether t is marked mitigated while none of
// its mitigations is implemented or verified yet: the status claims more
// than the plans show, which a reviewer would question.
func (t Threat) MitigatedOnPlans() bool {
	if t.Status != StatusMitigated || len(t.Mitigations) == 0 {
		return false
	}
	for _, mt := range t.Mitigations {
		if mt.Status == MitigationImplemented || mt.Status == MitigationVerified {
			return false
		}
	}
	return true
}
