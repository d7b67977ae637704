package manifest

import "github.com/espctl/espctl/flags"

const (
	severityInfo    = flags.SeverityInfo
	severityWarning = flags.SeverityWarning
	severityError   = flags.SeverityError
)
