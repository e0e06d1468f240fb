package api

import (
	"cmp"
	"net/http"
	"slices"

	"verrijk/pipeline/entity"
	"verrijk/store"
)

// Cross-signal notes. "This address appears in three signals" is what an
// analyst looks for, so every entity the entity routes answer says which
// other signals, under the same purpose, it is linked to: the caller's
// team's signals by id, other teams' only counted per team, so colleagues
// can be asked without their signals being shown. Links under other
// purposes are not counted at all: that a record is used for another
// purpose is data of that other processing (see keepLinks).

// crossSignals is the note on one entity.
type crossSignals struct {
	// AlsoIn lists the caller's team's signals the entity is linked to,
	// besides the one being listed.
	AlsoIn []string `json:"also_in"`
	// OtherTeams counts the other teams' signals per team ("" for
	// signals without a team), largest first.
	OtherTeams []teamCount `json:"other_teams"`
}

type teamCount struct {
	Team  string `json:"team"`
	Count int    `json:"count"`
}

// entityAnswer is an entity as the entity routes answer it: what the team
// may see, the cross-signal note and, in GET /entities/{id}, the persons an
// analyst confirmed to be the same one (merged into this view; the stored
// entities stay apart).
type entityAnswer struct {
	entityView
	CrossSignals crossSignals `json:"cross_signals"`
	SameAs       []string     `json:"same_as,omitempty"`
}

// crossSignalsOf makes the note for e, read with all its links, under a
// purpose for a caller of team; except is the signal being listed.
// teams maps signal ids to their team (see linkTeams); links to signals no
// longer stored are not counted.
func crossSignalsOf(e entity.Entity, purposeID, team, except string, teams map[string]string) crossSignals {
	c := crossSignals{AlsoIn: []string{}, OtherTeams: []teamCount{}}
	counted := map[string]bool{}
	perTeam := map[string]int{}
	for _, l := range e.Signals {
		owner, known := teams[l.SignalID]
		if l.PurposeID != purposeID || !known || l.SignalID == except || counted[l.SignalID] {
			continue
		}
		counted[l.SignalID] = true
		if owner == team {
			c.AlsoIn = append(c.AlsoIn, l.SignalID)
		} else {
			perTeam[owner]++
		}
	}
	for t, n := range perTeam {
		c.OtherTeams = append(c.OtherTeams, teamCount{Team: t, Count: n})
	}
	slices.SortFunc(c.OtherTeams, func(a, b teamCount) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Team, b.Team))
	})
	return c
}

// answerFor is the answer for e without merged persons.
func answerFor(e entity.Entity, purposeID, team, except string, teams map[string]string) (entityAnswer, bool) {
	v, visible := teamView(e, purposeID, team, teams)
	return entityAnswer{entityView: v, CrossSignals: crossSignalsOf(e, purposeID, team, except, teams)}, visible
}

// teamCache holds the teams of the signals met while answering one
// request, so that checking many entities costs one query per new batch.
type teamCache struct {
	teams map[string]string // signal id → team, for signals that exist
	asked map[string]bool
}

func newTeamCache(teams map[string]string) *teamCache {
	c := &teamCache{teams: map[string]string{}, asked: map[string]bool{}}
	for id, t := range teams {
		c.teams[id], c.asked[id] = t, true
	}
	return c
}

// load looks up the teams of the signals of ents not asked about yet.
func (c *teamCache) load(r *http.Request, st store.Store, ents ...entity.Entity) error {
	var ids []string
	for _, e := range ents {
		for _, l := range e.Signals {
			if !c.asked[l.SignalID] {
				c.asked[l.SignalID] = true
				ids = append(ids, l.SignalID)
			}
		}
	}
	if len(ids) == 0 {
		return nil
	}
	found, err := st.SignalTeams(r.Context(), ids)
	if err != nil {
		return err
	}
	for id, t := range found {
		c.teams[id] = t
	}
	return nil
}

// visible reports whether the caller may see e under the purpose: a link
// under it to a signal of the caller's team.
func (c *teamCache) visible(r *http.Request, st store.Store, e entity.Entity, purposeID string) (bool, error) {
	if err := c.load(r, st, e); err != nil {
		return false, err
	}
	_, ok := teamView(e, purposeID, principal(r).Team, c.teams)
	return ok, nil
}
