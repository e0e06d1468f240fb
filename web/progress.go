package web

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
)

// jobProgress re-renders the API's job event stream for the browser:
// the same server-sent events, with every status and error put into
// Dutch words, so the page's script only places text (never markup).
//
// Events: "taak" {id, source, source_name, subject, status, status_text,
// attempts, text}; "opdracht" {status, status_text, percent}; "klaar"
// {status, status_text}; "fout" {text}.
func (u *ui) jobProgress(w http.ResponseWriter, r *http.Request, sess *session) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming niet mogelijk", http.StatusInternalServerError)
		return
	}
	stream := newStreamWriter()
	go func() {
		defer stream.finish()
		u.opts.API.ServeHTTP(stream, apiRequest(r, sess, http.MethodGet, "/api/v1/jobs/"+esc(r.PathValue("id"))+"/events", nil))
	}()
	// Drain at the end, so the API handler never blocks on a full pipe.
	defer func() { _, _ = io.Copy(io.Discard, stream.r) }()
	status := stream.waitStatus()
	w.Header().Set("Content-Type", "text/event-stream; charset=utf-8")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	if status != http.StatusOK {
		raw, _ := io.ReadAll(io.LimitReader(stream.r, 64<<10))
		sendEvent(w, "fout", map[string]string{"text": errorText(decodeAnswer(status, raw, nil))})
		flusher.Flush()
		return
	}
	sc := bufio.NewScanner(stream.r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var event, data string
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "event: "):
			event = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			data = strings.TrimPrefix(line, "data: ")
		case line == "":
			translateEvent(w, event, data)
			flusher.Flush()
			event, data = "", ""
		}
	}
}

func translateEvent(w io.Writer, event, data string) {
	switch event {
	case "task":
		var t taskJSON
		if json.Unmarshal([]byte(data), &t) != nil {
			return
		}
		sendEvent(w, "taak", map[string]any{"id": t.ID, "source": t.Source, "source_name": sourceName(t.Source),
			"subject": t.Subject, "status": t.Status, "status_text": statusName(t.Status), "attempts": t.Attempts,
			"text": t.Text()})
	case "job":
		var j struct {
			Status   string  `json:"status"`
			Progress float64 `json:"progress"`
		}
		if json.Unmarshal([]byte(data), &j) != nil {
			return
		}
		sendEvent(w, "opdracht", map[string]any{"status": j.Status, "status_text": statusName(j.Status),
			"percent": int(j.Progress*100 + 0.5)})
	case "done":
		var j struct {
			Status string `json:"status"`
		}
		_ = json.Unmarshal([]byte(data), &j)
		sendEvent(w, "klaar", map[string]any{"status": j.Status, "status_text": statusName(j.Status)})
	case "error":
		sendEvent(w, "fout", map[string]string{"text": "De voortgang kon niet worden gelezen. Laad de pagina opnieuw."})
	}
}

func sendEvent(w io.Writer, event string, v any) {
	b, _ := json.Marshal(v)
	fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, b)
}

// streamWriter is a ResponseWriter whose body is read as it is written,
// so a streaming API answer can be passed on while it lasts.
type streamWriter struct {
	header http.Header
	r      *io.PipeReader
	w      *io.PipeWriter
	once   sync.Once
	status chan int
}

func newStreamWriter() *streamWriter {
	pr, pw := io.Pipe()
	return &streamWriter{header: http.Header{}, r: pr, w: pw, status: make(chan int, 1)}
}

func (s *streamWriter) Header() http.Header { return s.header }

func (s *streamWriter) WriteHeader(code int) { s.once.Do(func() { s.status <- code }) }

func (s *streamWriter) Write(p []byte) (int, error) {
	s.WriteHeader(http.StatusOK)
	return s.w.Write(p)
}

// Flush is a no-op: every Write already reaches the reader.
func (s *streamWriter) Flush() {}

func (s *streamWriter) finish() {
	s.WriteHeader(http.StatusOK)
	_ = s.w.Close()
}

func (s *streamWriter) waitStatus() int { return <-s.status }
