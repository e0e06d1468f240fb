package pipeline

import (
	"sort"
	"strings"

	"verrijk/pipeline/entity"
)

// Field helpers of the KvK normalisers.

func activeStatus(actief string) string {
	switch strings.ToLower(actief) {
	case "ja":
		return "active"
	case "nee":
		return "inactive"
	}
	return ""
}

// tradeNames lists handelsnamen in KvK's order (volgorde).
func tradeNames(ns []kvkNaam) []string {
	sorted := append([]kvkNaam(nil), ns...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Volgorde.Int() < sorted[j].Volgorde.Int() })
	out := make([]string, 0, len(sorted))
	for _, n := range sorted {
		out = append(out, n.Naam.String())
	}
	return out
}

// addAliases adds names that are not already the company's name.
func addAliases(c *entity.Entity, names ...string) {
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n != "" && !hasValue(c.Properties["name"], n) {
			c.Add("alias", n)
		}
	}
}

// addSBI adds the SBI activities; the main one (indHoofdactiviteit "Ja")
// is also mainSbiCode.
func addSBI(c *entity.Entity, acts []kvkSBI) {
	for _, a := range capList(acts) {
		c.Add("sbiCode", a.SbiCode.String())
		c.Add("sector", a.SbiOmschrijving.String())
		if jaNee(a.IndHoofdactiviteit.String()) == "true" {
			c.Add("mainSbiCode", a.SbiCode.String())
		}
	}
}

func hasValue(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func isASCIILetter(c byte) bool { return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' }

// fixedDigits returns s as an identifier of n digits. KvK numbers are
// strings with leading zeros; one that arrived as a JSON number lost them,
// so shorter digit strings are padded back. Anything else is "".
func fixedDigits(s string, n int) string {
	if s == "" || len(s) > n {
		return ""
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return ""
		}
	}
	return strings.Repeat("0", n-len(s)) + s
}

// addWebsites keeps values that look like a host or URL.
func addWebsites(c *entity.Entity, sites []text) {
	for _, w := range capList(sites) {
		if v := w.String(); strings.Contains(v, ".") && !strings.ContainsAny(v, " \t\n<>\"") {
			c.Add("website", v)
		}
	}
}

// jaNee reads KvK's "Ja"/"Nee" flags as "true"/"false"; anything else "".
func jaNee(v string) string {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "ja":
		return "true"
	case "nee":
		return "false"
	}
	return ""
}

func boolText(v bool) string {
	if v {
		return "true"
	}
	return "false"
}

// setCaption sets the caption once: the first name an answer gives is the
// one to show, while builder would pick the alphabetically first.
func setCaption(e *entity.Entity, name string) {
	if e.Caption == "" {
		e.Caption = strings.TrimSpace(name)
	}
}
