package web

import (
	"slices"
	"time"

	"verrijk/pipeline/entity"
	"verrijk/store"
)

// The API's answers as the pages read them (see ARCHITECTURE.md, "HTTP
// API"). Fields the API may not send yet stay zero.

type signalJSON struct {
	ID               string             `json:"id"`
	Title            string             `json:"title"`
	Description      string             `json:"description"`
	ExternalRef      string             `json:"external_ref"`
	Status           string             `json:"status"`
	Team             string             `json:"team"`
	CreatedBy        string             `json:"created_by"`
	Assignee         string             `json:"assignee"`
	CreatedAt        time.Time          `json:"created_at"`
	UpdatedAt        time.Time          `json:"updated_at"`
	LastEnrichmentAt time.Time          `json:"last_enrichment_at"`
	Subjects         []store.Subject    `json:"subjects"`
	Jobs             []store.JobSummary `json:"jobs"`
}

// owner is who works the signal: the assignee, else its creator.
func (s signalJSON) Owner() string {
	if s.Assignee != "" {
		return s.Assignee
	}
	return s.CreatedBy
}

type signalPage struct {
	Total    int          `json:"total"`
	PageSize int          `json:"page_size"`
	Signals  []signalJSON `json:"signals"`
}

type otherSignals struct {
	Count int      `json:"count"`
	Teams []string `json:"teams"`
}

type entityJSON struct {
	entity.Entity
	OtherSignals otherSignals `json:"other_signals"`
}

// Sources lists the sources the entity's values came from, once each.
func (e entityJSON) Sources() []string {
	var out []string
	for _, p := range e.Provenance {
		if !slices.Contains(out, p.Source) {
			out = append(out, p.Source)
		}
	}
	return out
}

type taskJSON struct {
	ID        string    `json:"id"`
	Source    string    `json:"source"`
	Subject   string    `json:"subject"`
	Depth     int       `json:"depth"`
	Status    string    `json:"status"`
	Attempts  int       `json:"attempts"`
	Error     string    `json:"error"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Text is the task's state in Dutch words.
func (t taskJSON) Text() string { return taskText(t.Status, t.Error) }

type jobJSON struct {
	ID            string     `json:"id"`
	SignalID      string     `json:"signal_id"`
	PurposeID     string     `json:"purpose_id"`
	Justification string     `json:"justification"`
	RequestedBy   string     `json:"requested_by"`
	Status        string     `json:"status"`
	Progress      float64    `json:"progress"`
	CreatedAt     time.Time  `json:"created_at"`
	Tasks         []taskJSON `json:"tasks"`
}

type purposeList struct {
	Purposes []store.Purpose `json:"purposes"`
}

type graphJSON struct {
	Nodes []graphNode `json:"nodes"`
	Edges []graphEdge `json:"edges"`
}

type graphNode struct {
	ID      string `json:"id"`
	Schema  string `json:"schema"`
	Caption string `json:"caption"`
}

type graphEdge struct {
	Source string `json:"source"`
	Target string `json:"target"`
	Label  string `json:"label"`
}
