package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"verrijk/store"
)

// auditPageSize is how many log entries one page shows.
const auditPageSize = 100

type auditData struct {
	Entries []store.AuditEntry
	Filter  struct{ Action, Actor, Object, Purpose, Since, Until string }
	Next    string // link to the entries after this page
	First   string // link back to the start
	Error   string
}

// auditLog is the processing log with filters, oldest first, a page at a
// time (the API pages by sequence number).
func (u *ui) auditLog(w http.ResponseWriter, r *http.Request, sess *session) {
	in := r.URL.Query()
	var d auditData
	d.Filter.Action, d.Filter.Actor, d.Filter.Object = in.Get("actie"), in.Get("gebruiker"), in.Get("object")
	d.Filter.Purpose, d.Filter.Since, d.Filter.Until = in.Get("doel"), in.Get("van"), in.Get("tot")
	q := url.Values{"limit": {strconv.Itoa(auditPageSize)}}
	for k, v := range map[string]string{"action": d.Filter.Action, "actor": d.Filter.Actor,
		"object_id": d.Filter.Object, "purpose_id": d.Filter.Purpose, "after_seq": in.Get("na")} {
		if v = strings.TrimSpace(v); v != "" {
			q.Set(k, v)
		}
	}
	// Dates from the form are whole days in Dutch time.
	if t, err := time.ParseInLocation("2006-01-02", d.Filter.Since, amsterdam); err == nil {
		q.Set("since", t.Format(time.RFC3339))
	} else if d.Filter.Since != "" {
		d.Error = "Schrijf de begindatum als jjjj-mm-dd."
	}
	if t, err := time.ParseInLocation("2006-01-02", d.Filter.Until, amsterdam); err == nil {
		q.Set("until", t.Add(24*time.Hour).Format(time.RFC3339))
	} else if d.Filter.Until != "" {
		d.Error = "Schrijf de einddatum als jjjj-mm-dd."
	}
	var res struct {
		Entries []store.AuditEntry `json:"entries"`
	}
	if err := u.get(r, sess, "/api/v1/audit", q, &res); err != nil {
		if !isInputError(err) {
			u.apiFailed(w, r, sess, err)
			return
		}
		d.Error = errorText(err)
	}
	d.Entries = res.Entries
	if n := len(d.Entries); n == auditPageSize {
		next := r.URL.Query()
		next.Set("na", strconv.FormatInt(d.Entries[n-1].Seq, 10))
		d.Next = "/privacy/logboek?" + next.Encode()
	}
	if in.Get("na") != "" {
		first := r.URL.Query()
		first.Del("na")
		d.First = "/privacy/logboek?" + first.Encode()
	}
	u.render(w, r, sess, http.StatusOK, "audit", page{Title: "Verwerkingslog", Section: "logboek", Data: d})
}

type verification struct {
	OK          bool   `json:"ok"`
	Entries     int64  `json:"entries"`
	Head        string `json:"head"`
	FirstBroken int64  `json:"first_broken"`
	Problem     string `json:"problem"`
}

type verifyData struct {
	Ran    bool
	Result verification
	Words  string
}

// auditVerify checks the hash chain on request and says the outcome in
// plain words.
func (u *ui) auditVerify(w http.ResponseWriter, r *http.Request, sess *session) {
	var d verifyData
	if r.URL.Query().Get("uitvoeren") == "1" {
		d.Ran = true
		if err := u.get(r, sess, "/api/v1/audit/verify", nil, &d.Result); err != nil {
			u.apiFailed(w, r, sess, err)
			return
		}
		d.Words = verifyWords(d.Result)
	}
	u.render(w, r, sess, http.StatusOK, "verify", page{Title: "Controle van de logketen", Section: "controle", Data: d})
}

// verifyWords puts the chain check's outcome into plain Dutch.
func verifyWords(v verification) string {
	if v.OK {
		return "De logketen is intact: alle " + strconv.FormatInt(v.Entries, 10) +
			" regels van het verwerkingslog zijn ongewijzigd, compleet en in de juiste volgorde."
	}
	p := v.Problem
	why := "de keten klopt niet meer"
	switch {
	case strings.Contains(p, "edited"):
		why = "de inhoud van deze regel is achteraf gewijzigd"
	case strings.Contains(p, "missing"):
		why = "regels ervoor ontbreken: ze zijn verwijderd"
	case strings.Contains(p, "previous entry"):
		why = "een regel ervoor is verwijderd, vervangen of verplaatst"
	case strings.Contains(p, "rewritten"):
		why = "de keten is vanaf hier of eerder opnieuw opgebouwd"
	case strings.Contains(p, "cut off"):
		why = "het einde van het log is afgeknipt"
	}
	return "De logketen is verbroken bij regel " + strconv.FormatInt(v.FirstBroken, 10) + ": " + why +
		". Behandel dit als een beveiligingsincident en meld het volgens de procedure."
}

// The retention overview and the subject report are shown as the API
// gives them: a tree of labelled values, every one escaped.

type reportData struct {
	Type, Value string
	Printable   string // link to the printable report
	Kinds       []struct{ Value, Label string }
	Ran         bool
	Tree        node
	Error       string
}

// node is one value of a JSON answer, for display.
type node struct {
	Label    string
	Text     string
	Children []node
	List     bool
}

// toNode turns decoded JSON into a labelled tree, keys in stable order.
func toNode(label string, v any) node {
	n := node{Label: fieldLabel(label)}
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			n.Children = append(n.Children, toNode(k, x[k]))
		}
	case []any:
		n.List = true
		for i, e := range x {
			n.Children = append(n.Children, toNode(strconv.Itoa(i+1), e))
		}
		if len(x) == 0 {
			n.Text = "geen"
		}
	case nil:
		n.Text = "—"
	case bool:
		n.Text = map[bool]string{true: "ja", false: "nee"}[x]
	case float64:
		n.Text = strconv.FormatFloat(x, 'f', -1, 64)
	case string:
		n.Text = x
		if t, err := time.Parse(time.RFC3339Nano, x); err == nil {
			n.Text = when(t)
		}
	}
	return n
}

var fieldLabels = map[string]string{
	"expires_at": "verloopt op", "linked_at": "gekoppeld op", "purpose_id": "doel", "signal_id": "signaal",
	"entity_id": "entiteit", "entities": "entiteiten", "links": "koppelingen", "count": "aantal",
	"signals": "signalen", "audit": "verwerkingslog", "entries": "regels", "subject": "betrokkene",
	"type": "soort", "value": "waarde", "retention": "bewaartermijn", "purposes": "doelen", "name": "naam",
	"caption": "omschrijving", "schema": "soort", "action": "actie", "time": "tijd", "actor_user": "gebruiker",
	"next_expiry": "eerstvolgende verloopdatum", "expiring": "verloopt binnenkort", "evidence": "bewijsstukken",
	"team": "team", "title": "titel", "status": "status", "total": "totaal", "jobs": "opdrachten",
}

func fieldLabel(k string) string {
	if l, ok := fieldLabels[k]; ok {
		return l
	}
	if p, ok := propLabels[k]; ok {
		return p
	}
	return strings.ReplaceAll(k, "_", " ")
}

type purposeExpiry struct {
	PurposeID    string    `json:"purpose_id"`
	Name         string    `json:"name"`
	Retention    string    `json:"retention"`
	Links        int       `json:"links"`
	Entities     int       `json:"entities"`
	Signals      int       `json:"signals"`
	NextExpiry   time.Time `json:"next_expiry"`
	LastExpiry   time.Time `json:"last_expiry"`
	ExpiringSoon int       `json:"expiring_within_30_days"`
}

type retentionData struct {
	AsOf     time.Time       `json:"as_of"`
	Sweep    string          `json:"sweep"`
	Purposes []purposeExpiry `json:"purposes"`
	Signals  struct {
		Period     string    `json:"signal_period"`
		Count      int       `json:"signals"`
		PurgedSoon int       `json:"purged_within_30_days"`
		NextPurge  time.Time `json:"next_purge_at"`
	} `json:"signals"`
	Error string `json:"-"`
}

// retentionPage says, per purpose, what the retention sweep will delete
// and when, and when signals themselves go.
func (u *ui) retentionPage(w http.ResponseWriter, r *http.Request, sess *session) {
	var d retentionData
	if err := u.get(r, sess, "/api/v1/retention", nil, &d); err != nil {
		if !isRouteMissing(err) {
			u.apiFailed(w, r, sess, err)
			return
		}
		d.Error = "Deze server biedt nog geen overzicht van bewaartermijnen."
	}
	u.render(w, r, sess, http.StatusOK, "retention", page{Title: "Bewaartermijnen", Section: "bewaartermijnen", Data: d})
}

func (u *ui) subjectReport(w http.ResponseWriter, r *http.Request, sess *session) {
	d := reportData{Type: r.URL.Query().Get("soort"), Value: strings.TrimSpace(r.URL.Query().Get("waarde")),
		Kinds: subjectTypeNames}
	if d.Type == "" {
		d.Type = "kvk"
	}
	if d.Value != "" {
		var raw any
		err := u.get(r, sess, "/api/v1/subjects/report", url.Values{"type": {d.Type}, "value": {d.Value}}, &raw)
		switch {
		case err == nil:
			d.Ran, d.Tree = true, toNode("", raw)
			d.Printable = "/privacy/betrokkene/afdruk?" + url.Values{"soort": {d.Type}, "waarde": {d.Value}}.Encode()
		case isRouteMissing(err):
			d.Error = "Deze server kan nog geen rapport per betrokkene maken."
		case isInputError(err):
			d.Error = subjectError(d.Type, err)
		default:
			u.apiFailed(w, r, sess, err)
			return
		}
	}
	u.render(w, r, sess, http.StatusOK, "report", page{Title: "Rapport betrokkene", Section: "betrokkene", Data: d})
}

// subjectPrintable passes on the API's printable report (its own,
// escaped HTML) in a sandbox: it can style itself, and run nothing.
func (u *ui) subjectPrintable(w http.ResponseWriter, r *http.Request, sess *session) {
	q := url.Values{"type": {r.URL.Query().Get("soort")}, "value": {r.URL.Query().Get("waarde")}, "format": {"html"}}
	rec := httptest.NewRecorder()
	u.opts.API.ServeHTTP(rec, apiRequest(r, sess, http.MethodGet, "/api/v1/subjects/report?"+q.Encode(), nil))
	if rec.Code != http.StatusOK {
		u.apiFailed(w, r, sess, decodeAnswer(rec.Code, rec.Body.Bytes(), nil))
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", "sandbox allow-modals; default-src 'none'; style-src 'unsafe-inline'; img-src data:")
	_, _ = w.Write(rec.Body.Bytes())
}
